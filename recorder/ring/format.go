package ring

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"
)

// FormatOptions size a new volume.
type FormatOptions struct {
	Size     int64 // total bytes for slots; rounded down to whole slots
	SlotSize int64 // multiple of 4096, at least 1 MiB
	Logger   *slog.Logger
}

// Format makes dir a new, empty volume with a fresh UUID. It refuses a
// directory that holds anything but a previous skyguard volume, a size the
// filesystem cannot hold, and fewer than 2 slots. progress (may be nil) is
// called after each slot file is created.
func Format(dir string, opt FormatOptions, progress func(done, total int)) error {
	log := opt.Logger
	if log == nil {
		log = slog.Default()
	}
	if opt.SlotSize < minSlotSize || opt.SlotSize%4096 != 0 {
		return fmt.Errorf("ring: format %s: slot size %d must be a multiple of 4096 and at least %d", dir, opt.SlotSize, minSlotSize)
	}
	count := opt.Size / opt.SlotSize
	if count < 2 {
		return fmt.Errorf("ring: format %s: size %d holds %d slots of %d, need at least 2", dir, opt.Size, count, opt.SlotSize)
	}
	if count > 99999 {
		return fmt.Errorf("ring: format %s: %d slots is too many, use bigger slots", dir, count)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("ring: format %s: %w", dir, err)
	}
	reclaimable, err := checkFormatTarget(dir)
	if err != nil {
		return err
	}
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return fmt.Errorf("ring: format %s: statfs: %w", dir, err)
	}
	free := int64(st.Bavail)*int64(st.Bsize) + reclaimable
	need := count * opt.SlotSize
	if need > free {
		return fmt.Errorf("ring: format %s: %d bytes requested, filesystem has %d free", dir, need, free)
	}
	uuid, err := newVolumeID()
	if err != nil {
		return err
	}
	// The superblock goes last: an interrupted format is not a volume.
	for _, name := range []string{superblockName, indexName} {
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("ring: format %s: %w", dir, err)
		}
	}
	if err := os.RemoveAll(filepath.Join(dir, "slots")); err != nil {
		return fmt.Errorf("ring: format %s: remove old slots: %w", dir, err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "slots"), 0o755); err != nil {
		return fmt.Errorf("ring: format %s: %w", dir, err)
	}
	warned := false
	for i := 0; i < int(count); i++ {
		if err := createSlot(dir, i, uuid, opt.SlotSize, log, &warned); err != nil {
			return err
		}
		if progress != nil {
			progress(i+1, int(count))
		}
	}
	if err := syncDir(filepath.Join(dir, "slots")); err != nil {
		return err
	}
	sb := &superblock{UUID: uuid, SlotSize: opt.SlotSize, SlotCount: int(count), Created: time.Now()}
	if err := writeSuperblock(dir, sb); err != nil {
		return err
	}
	if err := syncDir(dir); err != nil {
		return err
	}
	log.Info("ring: formatted volume", "dir", dir, "uuid", uuid.String(), "slots", count, "slot_size", opt.SlotSize)
	return nil
}

// checkFormatTarget allows an empty directory or an existing volume; it
// returns the bytes the old slots occupy, which the format frees.
func checkFormatTarget(dir string) (int64, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return 0, fmt.Errorf("ring: format %s: %w", dir, err)
	}
	if len(ents) == 0 {
		return 0, nil
	}
	if _, err := readSuperblock(dir); err != nil {
		return 0, fmt.Errorf("ring: format %s: directory is not empty and not a skyguard volume (%d entries, e.g. %q); refusing to touch it",
			dir, len(ents), ents[0].Name())
	}
	var n int64
	slots, _ := os.ReadDir(filepath.Join(dir, "slots"))
	for _, e := range slots {
		if fi, err := e.Info(); err == nil {
			n += fi.Size()
		}
	}
	return n, nil
}

func createSlot(dir string, n int, uuid volumeID, size int64, log *slog.Logger, warned *bool) error {
	f, err := os.OpenFile(slotPath(dir, n), os.O_CREATE|os.O_EXCL|os.O_RDWR, 0o644)
	if err != nil {
		return fmt.Errorf("ring: format: create slot %d: %w", n, err)
	}
	defer f.Close()
	if err := unix.Fallocate(int(f.Fd()), 0, 0, size); err != nil {
		if !*warned {
			log.Warn("ring: fallocate refused, slots are sparse files (fragmentation possible)", "err", err)
			*warned = true
		}
		if err := f.Truncate(size); err != nil {
			return fmt.Errorf("ring: format: size slot %d: %w", n, err)
		}
	}
	h := &slotHeader{UUID: uuid, Slot: uint32(n)}
	if _, err := f.WriteAt(h.encode(), 0); err != nil {
		return fmt.Errorf("ring: format: write slot %d header: %w", n, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("ring: format: sync slot %d: %w", n, err)
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("ring: sync dir %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, unix.EINVAL) {
		return fmt.Errorf("ring: sync dir %s: %w", dir, err)
	}
	return nil
}
