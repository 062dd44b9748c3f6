package live

import (
	"sort"
	"syscall"
	"testing"
	"time"

	"github.com/pion/rtp"

	"skyguard/recorder/hub"
	"skyguard/recorder/media"
)

// BenchmarkChromiumTimeToFirstFrame: from creating the offer to the first
// requestVideoFrameCallback in headless Chromium, median of 10 joins at
// random moments of the fake camera's GOP.
func BenchmarkChromiumTimeToFirstFrame(b *testing.B) {
	dir := needBrowser(b)
	e := newEnv(b, map[string][2]string{"cam1": {"/h264/main", ""}}, Options{})
	base := pageServer(b, e)
	var r struct {
		OK       bool      `json:"ok"`
		Times    []float64 `json:"times"`
		MedianMs float64   `json:"medianMs"`
		Harness  string    `json:"harness"`
	}
	b.ResetTimer()
	runNode(b, dir, 300*time.Second, &r, "ttff", base, "cam1", "10")
	if !r.OK {
		b.Fatalf("ttff run failed: %+v", r)
	}
	b.Logf("joins (ms): %v", r.Times)
	b.ReportMetric(r.MedianMs, "ms-median-first-frame")
}

// timedWriter records when each frame's last packet was written.
type timedWriter struct{ at chan time.Time }

func (w *timedWriter) WriteRTP(p *rtp.Packet) error {
	if p.Marker {
		w.at <- time.Now()
	}
	return nil
}

// BenchmarkHubToViewerLatency: time from hub.WriteAccessUnit to the
// frame's last RTP packet leaving a viewer's writer (packetizing,
// fan-out, queue hop), for a 1080p-sized frame.
func BenchmarkHubToViewerLatency(b *testing.B) {
	h := hub.New()
	params := &media.Params{Codec: media.CodecH264, SPS: []byte{0x67, 0x4d, 0, 0x28}, PPS: []byte{0x68, 1}}
	h.WriteAccessUnit(&media.AccessUnit{Params: params, Key: true, NALUs: [][]byte{make([]byte, 60000)}})
	br := newBroadcaster("c", "main", h, media.CodecH264)
	defer br.stop()
	v := br.add("c", "main")
	w := &timedWriter{at: make(chan time.Time, 1024)}
	go v.write(w)
	<-w.at                      // the cached keyframe
	nalu := make([]byte, 17000) // 3.5 Mbit/s at 25 fps
	nalu[0] = 0x41
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		h.WriteAccessUnit(&media.AccessUnit{Params: params, PTS: time.Duration(i) * 40 * time.Millisecond, NALUs: [][]byte{nalu}})
		lat = append(lat, (<-w.at).Sub(t0))
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "µs-median-added-latency")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "µs-p99-added-latency")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkCPUPerViewer: process CPU per second per viewer with 20 pion
// viewers on one 1080p camera, less the CPU of ingesting it with none.
// The receivers run in this process too, so this is an upper bound of the
// box's own cost.
func BenchmarkCPUPerViewer(b *testing.B) {
	e := newEnv(b, map[string][2]string{"cam1": {"/h264/main", ""}}, Options{MaxViewers: 20, MaxViewersPerCamera: 20})
	const window = 5 * time.Second
	c0 := cpuTime()
	time.Sleep(window)
	idle := cpuTime() - c0
	var cs []*whepClient
	for i := 0; i < 20; i++ {
		c, code, body := dial(b, e.http.URL, "cam1", "", true)
		if code != 201 {
			b.Fatalf("viewer %d: %d %s", i, code, body)
		}
		cs = append(cs, c)
		go func() {
			for range c.frames {
			}
		}()
	}
	time.Sleep(3 * time.Second) // connect and catch up
	b.ResetTimer()
	c1 := cpuTime()
	time.Sleep(window)
	busy := cpuTime() - c1
	b.StopTimer()
	per := (busy - idle).Seconds() / window.Seconds() / 20
	n, bps := e.m.Viewers("cam1")
	b.ReportMetric(per*100, "%cpu/viewer")
	b.Logf("idle %.1f%% CPU, 20 viewers %.1f%% CPU (incl. receivers); %d viewers, %.1f Mbit/s", idle.Seconds()/window.Seconds()*100, busy.Seconds()/window.Seconds()*100, n, bps/1e6)
}
