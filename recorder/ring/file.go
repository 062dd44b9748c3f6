package ring

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// File is what the ring needs of one slot file. It is an interface so that
// tests (and the supervisor's fault drills) can put a layer between the ring
// and the disk that makes writes or syncs fail or hang.
type File interface {
	ReadAt(p []byte, off int64) (int, error)
	WriteAt(p []byte, off int64) (int, error)
	// Sync makes written data durable: fdatasync for real files (the slot
	// sizes never change, so the metadata flush of fsync is wasted work).
	Sync() error
	Close() error
}

// OpenFileFunc opens one slot file for reading and writing.
type OpenFileFunc func(path string) (File, error)

// osFile is the default File: an *os.File synced with fdatasync.
type osFile struct{ *os.File }

func (f osFile) Sync() error {
	if err := unix.Fdatasync(int(f.Fd())); err != nil {
		return &os.PathError{Op: "fdatasync", Path: f.Name(), Err: err}
	}
	return nil
}

// OpenOSFile is the default OpenFileFunc.
func OpenOSFile(path string) (File, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("open slot file: %w", err)
	}
	return osFile{f}, nil
}
