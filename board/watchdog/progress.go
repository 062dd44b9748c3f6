package watchdog

import "sync"

// Advancing returns a progress func for Run: it reports true when every
// counter (e.g. frames ingested, bytes the ring writer synced) has moved
// since the previous call. The first call compares with zero.
func Advancing(counters ...func() uint64) func() bool {
	var mu sync.Mutex
	last := make([]uint64, len(counters))
	return func() bool {
		mu.Lock()
		defer mu.Unlock()
		ok := true
		for i, c := range counters {
			v := c()
			if v == last[i] {
				ok = false
			}
			last[i] = v
		}
		return ok
	}
}
