package ingest

import (
	"testing"
	"time"
)

func TestBackoffGrowsCappedAndResets(t *testing.T) {
	b := backoff{min: time.Second, max: 30 * time.Second}
	var prevBase time.Duration = time.Second
	for i := range 20 {
		d := b.next()
		if d < prevBase/2 || d > 30*time.Second {
			t.Fatalf("attempt %d: delay %v outside [%v, 30s]", i, d, prevBase/2)
		}
		prevBase = min(prevBase*2, 30*time.Second)
	}
	if b.cur != 30*time.Second {
		t.Fatalf("base after many failures = %v, want cap 30s", b.cur)
	}
	b.reset()
	if d := b.next(); d > time.Second {
		t.Fatalf("delay after reset = %v, want <= 1s", d)
	}
}
