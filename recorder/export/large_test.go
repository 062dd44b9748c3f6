package export

import (
	"encoding/binary"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"skyguard/recorder/media"
)

// A 1920x1080 High-profile SPS (from an NVIDIA encoder) and a PPS, enough
// for a header; these tests never decode frames.
var (
	testSPS = []byte{0x67, 0x64, 0x00, 0x28, 0xac, 0xd9, 0x40, 0x78, 0x02, 0x27, 0xe5, 0x84, 0x00, 0x00,
		0x03, 0x00, 0x04, 0x00, 0x00, 0x03, 0x00, 0xf0, 0x3c, 0x60, 0xc6, 0x58}
	testPPS = []byte{0x68, 0xeb, 0xe3, 0xcb, 0x22, 0xc0}
)

// patternData is a huge source that is never stored: byte i is byte(i*7).
type patternData struct{ reads int }

func (d *patternData) ReadAt(p []byte, off int64) (int, error) {
	d.reads++
	for i := range p {
		p[i] = byte((off + int64(i)) * 7)
	}
	return len(p), nil
}

// syntheticClip has n samples of size bytes, 25 fps, a keyframe every 50,
// with a 4 KiB gap before each keyframe in the source.
func syntheticClip(n int, size uint32) Clip {
	s := make([]media.Sample, n)
	var off int64
	for i := range s {
		key := i%50 == 0
		if key {
			off += 4096
		}
		s[i] = media.Sample{PTS: time.Duration(i) * 40 * time.Millisecond, Dur: 40 * time.Millisecond, Key: key, Off: off, Size: size}
		off += int64(size)
	}
	return Clip{
		Params:  media.Params{Codec: media.CodecH264, SPS: testSPS, PPS: testPPS},
		Start:   testStart,
		Samples: s,
		Data:    &patternData{},
	}
}

// box is one box found by the walker: its type, where it starts, its header
// length and its total size.
type box struct {
	typ       string
	at, hdr   int64
	size      int64
	container bool
}

// walk lists the boxes in [from, to) of r, reading only box headers.
func walk(t *testing.T, r io.ReaderAt, from, to int64) []box {
	t.Helper()
	var out []box
	for at := from; at < to; {
		var h [16]byte
		if _, err := r.ReadAt(h[:8], at); err != nil {
			t.Fatalf("box header at %d: %v", at, err)
		}
		b := box{typ: string(h[4:8]), at: at, hdr: 8, size: int64(binary.BigEndian.Uint32(h[:4]))}
		if b.size == 1 {
			if _, err := r.ReadAt(h[8:16], at+8); err != nil {
				t.Fatalf("largesize at %d: %v", at, err)
			}
			b.hdr, b.size = 16, int64(binary.BigEndian.Uint64(h[8:16]))
		}
		if b.size < b.hdr || at+b.size > to {
			t.Fatalf("box %q at %d: size %d does not fit in [%d,%d)", b.typ, at, b.size, from, to)
		}
		out = append(out, b)
		at += b.size
	}
	return out
}

// find follows a path of container boxes from the top level.
func find(t *testing.T, r io.ReaderAt, size int64, path ...string) box {
	t.Helper()
	from, to := int64(0), size
	var found box
	for _, name := range path {
		ok := false
		for _, b := range walk(t, r, from, to) {
			if b.typ == name {
				found, ok = b, true
				break
			}
		}
		if !ok {
			t.Fatalf("box %v not found", path)
		}
		from, to = found.at+found.hdr, found.at+found.size
		if name == "stsd" {
			from += 8 // version/flags and entry count precede its children
		}
	}
	return found
}

// body returns a box's content after its header.
func body(t *testing.T, r io.ReaderAt, b box) []byte {
	t.Helper()
	p := make([]byte, b.size-b.hdr)
	if _, err := r.ReadAt(p, b.at+b.hdr); err != nil {
		t.Fatalf("read %s: %v", b.typ, err)
	}
	return p
}

func TestLargeExportCo64AndLargesize(t *testing.T) {
	const n, size = 5000, 1 << 20 // 5000 MiB of frames: past 4 GiB
	c := syntheticClip(n, size)
	m, err := NewMP4(c)
	if err != nil {
		t.Fatal(err)
	}
	top := walk(t, m, 0, m.Size())
	if len(top) != 3 || top[0].typ != "ftyp" || top[1].typ != "moov" || top[2].typ != "mdat" {
		t.Fatalf("top-level boxes %v, want ftyp moov mdat", top)
	}
	mdat := top[2]
	if mdat.hdr != 16 || mdat.size != 16+int64(n)*size || mdat.at+mdat.size != m.Size() {
		t.Fatalf("mdat at %d header %d size %d; file size %d", mdat.at, mdat.hdr, mdat.size, m.Size())
	}

	// Recompute every chunk's offset from stsc and stsz as a player would.
	stbl := []string{"moov", "trak", "mdia", "minf", "stbl"}
	sb := find(t, m, m.Size(), stbl...)
	for _, b := range walk(t, m, sb.at+sb.hdr, sb.at+sb.size) {
		if b.typ == "stco" {
			t.Fatal("stco present: offsets would wrap past 4 GiB")
		}
	}
	co := body(t, m, find(t, m, m.Size(), append(stbl, "co64")...))
	stsc := body(t, m, find(t, m, m.Size(), append(stbl, "stsc")...))
	stsz := body(t, m, find(t, m, m.Size(), append(stbl, "stsz")...))
	be := binary.BigEndian
	chunks := int(be.Uint32(co[4:]))
	if be.Uint32(stsz[8:]) != n || len(co) != 8+8*chunks {
		t.Fatalf("stsz count %d, co64 %d entries in %d bytes", be.Uint32(stsz[8:]), chunks, len(co))
	}
	type run struct{ first, per int }
	var runs []run
	for i := range int(be.Uint32(stsc[4:])) {
		e := stsc[8+12*i:]
		runs = append(runs, run{int(be.Uint32(e)), int(be.Uint32(e[4:]))})
	}
	pos := mdat.at + mdat.hdr
	sample := 0
	for k := 1; k <= chunks; k++ {
		per := 0
		for _, r := range runs {
			if r.first <= k {
				per = r.per
			}
		}
		got := int64(be.Uint64(co[8+8*(k-1):]))
		if got != pos {
			t.Fatalf("chunk %d: co64 offset %d, want %d", k, got, pos)
		}
		// The first frame of each chunk must be the source's bytes.
		p := make([]byte, 64)
		if _, err := m.ReadAt(p, got); err != nil {
			t.Fatal(err)
		}
		want := make([]byte, 64)
		(&patternData{}).ReadAt(want, c.Samples[sample].Off)
		if string(p) != string(want) {
			t.Fatalf("chunk %d: data at %d is not sample %d's", k, got, sample)
		}
		for range per {
			pos += int64(be.Uint32(stsz[12+4*sample:]))
			sample++
		}
	}
	if sample != n || pos != m.Size() {
		t.Fatalf("chunks cover %d samples ending at %d; want %d ending at %d", sample, pos, n, m.Size())
	}
	if last := co[len(co)-8:]; be.Uint64(last) <= 1<<32 {
		t.Fatalf("last chunk offset %d not past 4 GiB: test does not test co64", be.Uint64(last))
	}
}

func TestLongClipUsesVersion1(t *testing.T) {
	c := syntheticClip(1000, 100)
	for i := range c.Samples {
		c.Samples[i].PTS = time.Duration(i) * 50 * time.Second
		c.Samples[i].Dur = 50 * time.Second // 13.9 h in all: over 2^32 ticks
	}
	m, err := NewMP4(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"mvhd", "mdhd"} {
		path := []string{"moov", name}
		if name == "mdhd" {
			path = []string{"moov", "trak", "mdia", "mdhd"}
		}
		b := body(t, m, find(t, m, m.Size(), path...))
		if b[0] != 1 {
			t.Fatalf("%s version %d, want 1", name, b[0])
		}
		created := binary.BigEndian.Uint64(b[4:])
		scale := binary.BigEndian.Uint32(b[20:])
		dur := binary.BigEndian.Uint64(b[24:])
		if int64(created) != testStart.Unix()+2082844800 || scale != 90000 || dur != 1000*50*90000 {
			t.Errorf("%s: created %d timescale %d duration %d", name, created, scale, dur)
		}
	}
}

func TestNewMP4Rejects(t *testing.T) {
	good := func() Clip { return syntheticClip(100, 1000) }
	for _, tc := range []struct {
		name   string
		change func(c *Clip)
	}{
		{"no samples", func(c *Clip) { c.Samples = nil }},
		{"no data", func(c *Clip) { c.Data = nil }},
		{"first not key", func(c *Clip) { c.Samples = c.Samples[1:] }},
		{"tiny sample", func(c *Clip) { c.Samples[3].Size = 2 }},
		{"huge sample", func(c *Clip) { c.Samples[3].Size = 1 << 30 }},
		{"negative offset", func(c *Clip) { c.Samples[3].Off = -1 }},
		{"negative duration", func(c *Clip) { c.Samples[3].Dur = -time.Millisecond }},
		{"PTS backwards", func(c *Clip) { c.Samples[3].PTS = 0 }},
		{"no PPS", func(c *Clip) { c.Params.PPS = nil }},
		{"H.265 without VPS", func(c *Clip) { c.Params.Codec = media.CodecH265 }},
		{"unknown codec", func(c *Clip) { c.Params.Codec = media.CodecUnknown }},
		{"garbage SPS", func(c *Clip) { c.Params.SPS = []byte{0x67, 0xff} }},
		{"SPS not an SPS", func(c *Clip) { c.Params.SPS = testPPS }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := good()
			tc.change(&c)
			if m, err := NewMP4(c); err == nil {
				t.Fatalf("accepted, size %d", m.Size())
			}
		})
	}
	if _, err := NewMP4(good()); err != nil {
		t.Fatalf("good clip rejected: %v", err)
	}
}

func TestSeek(t *testing.T) {
	m, err := NewMP4(syntheticClip(10, 1000))
	if err != nil {
		t.Fatal(err)
	}
	if p, err := m.Seek(-10, io.SeekEnd); err != nil || p != m.Size()-10 {
		t.Fatalf("Seek end: %d %v", p, err)
	}
	b, err := io.ReadAll(m)
	if err != nil || len(b) != 10 {
		t.Fatalf("read tail: %d %v", len(b), err)
	}
	if _, err := m.Seek(-1, io.SeekStart); err == nil {
		t.Error("negative seek accepted")
	}
	if _, err := m.Seek(0, 7); err == nil {
		t.Error("bad whence accepted")
	}
	if n, err := m.Read(make([]byte, 4)); n != 0 || !errors.Is(err, io.EOF) {
		t.Errorf("Read at end: %d %v", n, err)
	}
}

// TestLargeExportFFprobe lets ffprobe read the >4 GiB file's header over
// HTTP (the frames are a byte pattern, so nothing is decoded).
func TestLargeExportFFprobe(t *testing.T) {
	needFFmpeg(t)
	m, err := NewMP4(syntheticClip(5000, 1<<20))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.ServeContent(w, r, "big.mp4", testStart, io.NewSectionReader(m, 0, m.Size()))
	}))
	defer srv.Close()
	out, err := exec.Command("ffprobe", "-v", "quiet", "-probesize", "65536", "-show_entries",
		"stream=codec_name,width,height,nb_frames:format=duration,size", "-of", "compact", srv.URL+"/big.mp4").Output()
	if err != nil {
		t.Fatalf("ffprobe: %v\n%s", err, out)
	}
	for _, want := range []string{"codec_name=h264", "width=1920", "height=1080", "nb_frames=5000", "duration=200.000000", "size=" + strconv.FormatInt(m.Size(), 10)} {
		if !strings.Contains(string(out), want) {
			t.Errorf("ffprobe output lacks %q:\n%s", want, out)
		}
	}
}
