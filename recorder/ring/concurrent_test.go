package ring

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestConcurrentCameras writes 4 cameras at once through a wrapping ring
// while the sync loop runs and a reader takes clips.
func TestConcurrentCameras(t *testing.T) {
	dir := formatTest(t, 8, 1<<20)
	s, err := Open(dir, Options{Logger: testLogger(t), SyncInterval: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	feeds := make([]*feed, 4)
	var wg sync.WaitGroup
	for i := range feeds {
		feeds[i] = newFeed(t, int64(100+i), 2000)
		wg.Add(1)
		go func(cam string, f *feed) {
			defer wg.Done()
			for j := 0; j < 1500; j++ {
				if err := s.Append(cam, f.next()); err != nil {
					t.Errorf("%s: %v", cam, err)
					return
				}
			}
		}(fmt.Sprintf("cam-%d", i), feeds[i])
	}
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		for k := 0; k < 200; k++ {
			c, err := s.Clip("cam-0", testT0, testT0.Add(time.Hour))
			if err == nil && len(c.Samples) > 0 {
				buf := make([]byte, c.Samples[0].Size)
				if _, err := c.Data.ReadAt(buf, 0); err != nil && !isGone(err) {
					t.Errorf("read: %v", err)
				}
			}
			time.Sleep(time.Millisecond)
		}
	}()
	wg.Wait()
	<-readerDone
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	mustVerifyClean(t, s)
	for i, f := range feeds {
		cam := fmt.Sprintf("cam-%d", i)
		runs, _ := s.Runs(cam, testT0, testT0.Add(time.Hour))
		if len(runs) != 1 || !runs[0].End.Equal(f.wall) {
			t.Fatalf("%s runs = %+v", cam, runs)
		}
		c, err := s.Clip(cam, runs[0].End.Add(-4*time.Second), runs[0].End)
		if err != nil {
			t.Fatal(err)
		}
		checkClip(t, c, f)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}
