package export

import (
	"io"
	"testing"
)

// BenchmarkNewMP4 builds the header of one hour of 25 fps video.
func BenchmarkNewMP4(b *testing.B) {
	c := syntheticClip(90000, 40000)
	b.ReportAllocs()
	var hdr int
	for b.Loop() {
		m, err := NewMP4(c)
		if err != nil {
			b.Fatal(err)
		}
		hdr = len(m.header)
	}
	b.ReportMetric(float64(hdr), "header-bytes")
}

// zeroData costs nothing to read, so BenchmarkReadAt measures the export's
// own cost (chunk lookup, read merging), not the source's.
type zeroData struct{}

func (zeroData) ReadAt(p []byte, _ int64) (int, error) { return len(p), nil }

// BenchmarkReadAt measures serving the file in 256 KiB reads, as an HTTP
// download does.
func BenchmarkReadAt(b *testing.B) {
	c := syntheticClip(90000, 40000)
	c.Data = zeroData{}
	m, err := NewMP4(c)
	if err != nil {
		b.Fatal(err)
	}
	p := make([]byte, 256<<10)
	b.SetBytes(int64(len(p)))
	b.ReportAllocs()
	var off int64
	for b.Loop() {
		if _, err := m.ReadAt(p, off); err != nil && err != io.EOF {
			b.Fatal(err)
		}
		off += int64(len(p))
		if off >= m.Size() {
			off = 0
		}
	}
}
