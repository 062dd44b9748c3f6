package ring

import (
	"testing"
)

func validRecords() [][]byte {
	p := testParams(1280)
	enc := encodeParams(p)
	pr := appendParamsRecord(nil, enc, paramsID(enc), 7, 3, 1, 1e18)
	frames := []frameEntry{{PTS: 0, Dur: 40e6, Size: 9, Key: true}, {PTS: 40e6, Dur: 40e6, Size: 6}}
	v := make([]byte, recordHeaderSize)
	v = appendFrameTable(v, frames)
	v = append(v, 0, 0, 0, 5, 0x65, 1, 2, 3, 4, 0, 0, 0, 2, 0x41, 9)
	putRecordHeader(v, &recordHeader{Kind: kindVideo, CamHash: 7, Gen: 3, Seq: 2, Start: 1e18, Dur: 80e6,
		ParamsID: paramsID(enc), Frames: 2, Len: uint32(len(v) - recordHeaderSize)})
	sealRecord(v)
	return [][]byte{pr, v}
}

func TestDecodeRecordValid(t *testing.T) {
	rs := validRecords()
	d, err := decodeRecord(rs[0])
	if err != nil || d.Params == nil || d.Params.Width != 1280 || !d.Params.Equal(testParams(1280)) {
		t.Fatalf("params record: %+v, %v", d, err)
	}
	d, err = decodeRecord(rs[1])
	if err != nil || len(d.Frames) != 2 || !d.Frames[0].Key || len(d.Data) != 15 {
		t.Fatalf("video record: %+v, %v", d, err)
	}
	for i := range rs[1] {
		b := append([]byte(nil), rs[1]...)
		b[i] ^= 0x04
		if _, err := decodeRecord(b); err == nil {
			t.Fatalf("flipped bit in byte %d not detected", i)
		}
	}
}

func FuzzDecodeRecord(f *testing.F) {
	for _, r := range validRecords() {
		f.Add(r)
		f.Add(r[:len(r)/2])
		b := append([]byte(nil), r...)
		b[len(b)-1] ^= 0xff
		f.Add(b)
		b = append([]byte(nil), r...)
		b[53] ^= 0x7f // payload length
		f.Add(b)
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := decodeRecord(b)
		if err == nil && d == nil {
			t.Fatal("nil record without error")
		}
		_, _ = decodeParams(b)
		if len(b) > 4 {
			_, _, _ = decodeFrameTable(b, int(b[0]))
		}
		_, _ = decodeSlotHeader(b)
		_, _ = decodeSuperblockCopy(b)
		_, _ = decodeSlotRecord(b)
		if len(b) >= 16 {
			_, _ = decodeEntry(b[:16], b[16:])
		}
	})
}
