package app

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"

	bolt "go.etcd.io/bbolt"

	"skyguard/firmware/config"
	"skyguard/recorder/ring"
)

// openStorage opens the ring at the configured path, formatting it first
// when the path is missing or empty. A path holding anything else is
// refused by the ring itself.
func openStorage(st config.Storage, log *slog.Logger, progress func(pct int)) (*ring.Store, error) {
	empty, err := dirEmpty(st.Path)
	if err != nil {
		return nil, fmt.Errorf("storage: inspect %s: %w", st.Path, err)
	}
	if empty {
		log.Info("storage: formatting new ring", "path", st.Path, "size", st.Size, "slot_size", st.SlotSize)
		last := -1
		err := ring.Format(st.Path, ring.FormatOptions{Size: st.Size, SlotSize: st.SlotSize, Logger: log}, func(done, total int) {
			pct := 100
			if total > 0 {
				pct = done * 100 / total
			}
			if pct != last && (pct%10 == 0 || done == total) {
				log.Info("storage: formatting", "slots_done", done, "slots", total, "percent", pct)
			}
			last = pct
			if progress != nil {
				progress(pct)
			}
		})
		if err != nil {
			return nil, fmt.Errorf("storage: format %s: %w", st.Path, err)
		}
	}
	s, err := ring.Open(st.Path, ringOptions(log))
	if errors.Is(err, ring.ErrNotVolume) {
		return nil, fmt.Errorf("storage: %s holds other files and is not a Skyguard volume; refusing to format over it (empty the folder or choose another storage.path): %w", st.Path, err)
	}
	if errors.Is(err, bolt.ErrInvalid) || errors.Is(err, bolt.ErrChecksum) {
		return nil, fmt.Errorf("storage: open %s: %w; `skyguard fsck --data %s --rebuild` rebuilds the index from the slots", st.Path, err, st.Path)
	}
	if err != nil {
		return nil, fmt.Errorf("storage: open %s: %w", st.Path, err)
	}
	return s, nil
}

func dirEmpty(path string) (bool, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	defer f.Close()
	names, err := f.Readdirnames(1)
	if err != nil && len(names) == 0 {
		return true, nil
	}
	return len(names) == 0, nil
}

// ringOptions are the options every open of the ring uses, the first and
// the supervisor's reopens after a fault alike.
func ringOptions(log *slog.Logger) ring.Options { return ring.Options{Logger: log} }
