package export

import (
	"math"
	"time"
)

// timescale is the units per second of every time in the file: the RTP
// video clock, so camera timestamps convert without rounding.
const timescale = 90000

// mp4Epoch is 1904-01-01 UTC, where MP4 times count from.
var mp4Epoch = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)

// ticks converts a duration to timescale units, rounding to nearest,
// without overflowing for long clips.
func ticks(d time.Duration) uint64 {
	sec := d / time.Second
	rem := d % time.Second
	return uint64(sec)*timescale + uint64((rem*timescale+time.Second/2)/time.Second)
}

// mp4Time is t in seconds since 1904, or 0 when t is unset.
func mp4Time(t time.Time) uint64 {
	if t.IsZero() || t.Before(mp4Epoch) {
		return 0
	}
	return uint64(t.Unix() - mp4Epoch.Unix())
}

func writeFtyp(w *boxBuf, codecBrand string) {
	at := w.start("ftyp")
	w.raw([]byte("isom"))
	w.u32(0x200)
	for _, b := range []string{"isom", "iso2", codecBrand, "mp41"} {
		w.raw([]byte(b))
	}
	w.end(at)
}

// writeMoov writes the movie box and returns where co64's first entry is in
// w.b; entries hold offsets relative to the mdat payload until the caller
// adds the payload's file offset.
func writeMoov(w *boxBuf, c Clip, e *sampleEntry, chunks []chunk) (co64 int) {
	// Each sample's duration comes from the running sum of Dur, so
	// rounding to ticks never accumulates and the total is exact.
	deltas := make([]uint32, len(c.Samples))
	var sum time.Duration
	var prevT uint64
	for i, s := range c.Samples {
		sum += s.Dur
		t := ticks(sum)
		d := t - prevT
		if d > math.MaxUint32 {
			d = math.MaxUint32 // a single frame lasting 13 hours: a broken table, keep the file valid
		}
		deltas[i] = uint32(d)
		prevT = t
	}
	dur := ticks(sum)
	created := mp4Time(c.Start)

	// Version 1 (64-bit) times only where 32 bits do not fit: older
	// players handle version 0 best.
	var version uint8
	if dur > math.MaxUint32 || created > math.MaxUint32 {
		version = 1
	}
	times := func(w *boxBuf) {
		if version == 1 {
			w.u64(created)
			w.u64(created)
		} else {
			w.u32(uint32(created))
			w.u32(uint32(created))
		}
	}
	duration := func(w *boxBuf) {
		if version == 1 {
			w.u64(dur)
		} else {
			w.u32(uint32(dur))
		}
	}

	moov := w.start("moov")

	mvhd := w.startFull("mvhd", version, 0)
	times(w)
	w.u32(timescale)
	duration(w)
	w.u32(0x00010000) // rate 1.0
	w.u16(0x0100)     // volume 1.0
	w.zeros(10)
	w.matrix()
	w.zeros(24)
	w.u32(2) // next_track_ID
	w.end(mvhd)

	trak := w.start("trak")
	tkhd := w.startFull("tkhd", version, 3) // enabled, in movie
	times(w)
	w.u32(1) // track_ID
	w.u32(0)
	duration(w)
	w.zeros(8)
	w.u16(0) // layer
	w.u16(0) // alternate_group
	w.u16(0) // volume: video
	w.u16(0)
	w.matrix()
	w.u32(uint32(e.width) << 16)
	w.u32(uint32(e.height) << 16)
	w.end(tkhd)

	mdia := w.start("mdia")
	mdhd := w.startFull("mdhd", version, 0)
	times(w)
	w.u32(timescale)
	duration(w)
	w.u16(0x55c4) // language "und"
	w.u16(0)
	w.end(mdhd)

	hdlr := w.startFull("hdlr", 0, 0)
	w.u32(0)
	w.raw([]byte("vide"))
	w.zeros(12)
	w.raw([]byte("VideoHandler\x00"))
	w.end(hdlr)

	minf := w.start("minf")
	vmhd := w.startFull("vmhd", 0, 1)
	w.zeros(8)
	w.end(vmhd)
	dinf := w.start("dinf")
	dref := w.startFull("dref", 0, 0)
	w.u32(1)
	url := w.startFull("url ", 0, 1) // data in this file
	w.end(url)
	w.end(dref)
	w.end(dinf)

	stbl := w.start("stbl")
	writeStsd(w, e)
	writeStts(w, deltas)
	writeStss(w, c)
	writeStsz(w, c)
	writeStsc(w, chunks)
	co64 = writeCo64(w, chunks)
	w.end(stbl)
	w.end(minf)
	w.end(mdia)
	w.end(trak)

	if !c.Start.IsZero() {
		writeUdta(w, c.Start)
	}
	w.end(moov)
	return co64
}

func writeStsd(w *boxBuf, e *sampleEntry) {
	stsd := w.startFull("stsd", 0, 0)
	w.u32(1)
	se := w.start(e.typ)
	w.zeros(6)
	w.u16(1) // data_reference_index
	w.zeros(16)
	w.u16(uint16(e.width))
	w.u16(uint16(e.height))
	w.u32(0x00480000) // 72 dpi
	w.u32(0x00480000)
	w.u32(0)
	w.u16(1)      // frame_count
	w.zeros(32)   // compressorname
	w.u16(0x18)   // depth
	w.u16(0xffff) // pre_defined = -1
	e.config(w)
	w.end(se)
	w.end(stsd)
}

// writeStts run-length encodes the sample durations: a steady 25 fps
// camera gives a single entry.
func writeStts(w *boxBuf, deltas []uint32) {
	at := w.startFull("stts", 0, 0)
	countAt := len(w.b)
	w.u32(0)
	entries := uint32(0)
	for i := 0; i < len(deltas); {
		j := i + 1
		for j < len(deltas) && deltas[j] == deltas[i] {
			j++
		}
		w.u32(uint32(j - i))
		w.u32(deltas[i])
		entries++
		i = j
	}
	putU32(w.b[countAt:], entries)
	w.end(at)
}

// writeStss lists the keyframes; it is left out when every sample is one,
// which the format reads as "all samples are sync samples".
func writeStss(w *boxBuf, c Clip) {
	keys := 0
	for _, s := range c.Samples {
		if s.Key {
			keys++
		}
	}
	if keys == len(c.Samples) {
		return
	}
	at := w.startFull("stss", 0, 0)
	w.u32(uint32(keys))
	for i, s := range c.Samples {
		if s.Key {
			w.u32(uint32(i + 1))
		}
	}
	w.end(at)
}

func writeStsz(w *boxBuf, c Clip) {
	at := w.startFull("stsz", 0, 0)
	w.u32(0) // sizes differ: a table follows
	w.u32(uint32(len(c.Samples)))
	for _, s := range c.Samples {
		w.u32(s.Size)
	}
	w.end(at)
}

// writeStsc run-length encodes samples per chunk.
func writeStsc(w *boxBuf, chunks []chunk) {
	at := w.startFull("stsc", 0, 0)
	countAt := len(w.b)
	w.u32(0)
	entries := uint32(0)
	for i, c := range chunks {
		if i > 0 && chunks[i-1].n == c.n {
			continue
		}
		w.u32(uint32(i + 1)) // first_chunk, 1-based
		w.u32(uint32(c.n))
		w.u32(1) // sample_description_index
		entries++
	}
	putU32(w.b[countAt:], entries)
	w.end(at)
}

// writeCo64 always uses 64-bit chunk offsets: an export of a few hours of
// 1080p passes 4 GiB, where stco's 32-bit offsets would wrap, and choosing
// per file would only save 4 bytes a chunk.
func writeCo64(w *boxBuf, chunks []chunk) int {
	at := w.startFull("co64", 0, 0)
	w.u32(uint32(len(chunks)))
	first := len(w.b)
	for _, c := range chunks {
		w.u64(uint64(c.pos))
	}
	w.end(at)
	return first
}

// writeUdta records the wall-clock start as a QuickTime ©day string
// (ISO 8601), which ffprobe shows as the "date" tag; mvhd's creation time
// carries the same instant to the second as "creation_time".
func writeUdta(w *boxBuf, start time.Time) {
	s := start.Format("2006-01-02T15:04:05.000Z07:00")
	udta := w.start("udta")
	day := w.start("\xa9day")
	w.u16(uint16(len(s)))
	w.u16(0x55c4) // language "und"
	w.raw([]byte(s))
	w.end(day)
	w.end(udta)
}
