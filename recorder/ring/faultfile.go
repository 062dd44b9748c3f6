package ring

import (
	"fmt"
	"sync"
)

// Faults is a fault-injecting file layer: pass its Open as
// Options.OpenFile and every slot file goes through it. Writes or syncs
// can then be made to fail with a given error, or to hang until Heal, the
// way a dying disk behaves. It is used by tests and fault drills.
type Faults struct {
	mu        sync.Mutex
	writeErr  error
	syncErr   error
	hang      chan struct{} // closed by Heal; nil when not hanging
	openErr   error
	writes    int
	failAfter int // fail writes only after this many more succeeded; <0 off
}

// NewFaults returns a layer that passes everything through.
func NewFaults() *Faults { return &Faults{failAfter: -1} }

// Open opens a real slot file wrapped by the layer.
func (fl *Faults) Open(path string) (File, error) {
	fl.mu.Lock()
	err := fl.openErr
	fl.mu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	f, err := OpenOSFile(path)
	if err != nil {
		return nil, err
	}
	return &faultFile{File: f, fl: fl}, nil
}

// FailWrites makes every following write return err (nil stops it).
func (fl *Faults) FailWrites(err error) {
	fl.mu.Lock()
	fl.writeErr, fl.failAfter = err, -1
	fl.mu.Unlock()
}

// FailWritesAfter lets n more writes through, then fails the rest with err.
func (fl *Faults) FailWritesAfter(n int, err error) {
	fl.mu.Lock()
	fl.writeErr, fl.failAfter = err, n
	fl.mu.Unlock()
}

// FailSyncs makes every following sync return err (nil stops it).
func (fl *Faults) FailSyncs(err error) {
	fl.mu.Lock()
	fl.syncErr = err
	fl.mu.Unlock()
}

// FailOpens makes opening slot files fail with err (nil stops it).
func (fl *Faults) FailOpens(err error) {
	fl.mu.Lock()
	fl.openErr = err
	fl.mu.Unlock()
}

// Hang makes writes and syncs block until Heal.
func (fl *Faults) Hang() {
	fl.mu.Lock()
	if fl.hang == nil {
		fl.hang = make(chan struct{})
	}
	fl.mu.Unlock()
}

// Heal clears every fault and releases hung operations.
func (fl *Faults) Heal() {
	fl.mu.Lock()
	if fl.hang != nil {
		close(fl.hang)
		fl.hang = nil
	}
	fl.writeErr, fl.syncErr, fl.openErr, fl.failAfter = nil, nil, nil, -1
	fl.mu.Unlock()
}

// Writes counts the writes that reached the disk.
func (fl *Faults) Writes() int {
	fl.mu.Lock()
	defer fl.mu.Unlock()
	return fl.writes
}

type faultFile struct {
	File
	fl *Faults
}

func (f *faultFile) WriteAt(p []byte, off int64) (int, error) {
	f.fl.mu.Lock()
	hang := f.fl.hang
	err := f.fl.writeErr
	if err != nil && f.fl.failAfter > 0 {
		f.fl.failAfter--
		err = nil
	}
	if err == nil && hang == nil {
		f.fl.writes++
	}
	f.fl.mu.Unlock()
	if hang != nil {
		<-hang
	}
	if err != nil {
		return 0, err
	}
	return f.File.WriteAt(p, off)
}

func (f *faultFile) Sync() error {
	f.fl.mu.Lock()
	hang := f.fl.hang
	err := f.fl.syncErr
	f.fl.mu.Unlock()
	if hang != nil {
		<-hang
	}
	if err != nil {
		return err
	}
	return f.File.Sync()
}
