package update

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// The journal is the one file that survives a reboot or a power cut
// between the steps of an update: after a restart it tells an install cut
// short from one that finished and awaits confirmation.
const journalName = "update.json"

// Journal phases.
const (
	phaseInstalling = "installing" // rauc install started, not finished
	phaseRebooting  = "rebooting"  // installed; the next boot must confirm it
	phaseFailed     = "failed"     // the last update failed; Message says why
)

type journal struct {
	Phase   string    `json:"phase"`
	Version string    `json:"version,omitempty"`
	From    string    `json:"from_slot,omitempty"`   // slot running when the update started
	Target  string    `json:"target_slot,omitempty"` // slot the install made primary
	Message string    `json:"message,omitempty"`
	Time    time.Time `json:"time"`
}

func readJournal(dir string) (*journal, error) {
	b, err := os.ReadFile(filepath.Join(dir, journalName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("update: read journal: %w", err)
	}
	var j journal
	if err := json.Unmarshal(b, &j); err != nil {
		return nil, fmt.Errorf("update: journal %s is damaged: %w", filepath.Join(dir, journalName), err)
	}
	return &j, nil
}

// writeJournal replaces the journal atomically and durably: a power cut
// leaves either the old or the new one.
func writeJournal(dir string, j *journal) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("update: write journal: %w", err)
	}
	b, err := json.MarshalIndent(j, "", "  ")
	if err != nil {
		return fmt.Errorf("update: write journal: %w", err)
	}
	tmp := filepath.Join(dir, journalName+".tmp")
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("update: write journal: %w", err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return fmt.Errorf("update: write journal: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("update: sync journal: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("update: write journal: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, journalName)); err != nil {
		return fmt.Errorf("update: write journal: %w", err)
	}
	return syncDir(dir)
}

func removeJournal(dir string) error {
	err := os.Remove(filepath.Join(dir, journalName))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("update: remove journal: %w", err)
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("update: sync %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("update: sync %s: %w", dir, err)
	}
	return nil
}
