package settings

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// FileName is the settings file inside the settings directory.
const FileName = "settings.json"

// Network is how the box joins the county network.
type Network struct {
	Mode    string   `json:"mode"` // "dhcp" or "static"
	Address string   `json:"address,omitempty"`
	Gateway string   `json:"gateway,omitempty"`
	DNS     []string `json:"dns,omitempty"`
}

// Settings is the document on disk.
type Settings struct {
	// FirstBoot is true until someone sets the admin password: the web UI
	// (once it has auth) asks for one then.
	FirstBoot bool    `json:"first_boot"`
	Network   Network `json:"network"`
	// AdminPasswordHash is empty at first boot.
	AdminPasswordHash string     `json:"admin_password_hash,omitempty"`
	ResetAt           *time.Time `json:"reset_at,omitempty"` // last front-panel reset
}

// Defaults is the first-boot state: DHCP and no admin password.
func Defaults() Settings {
	return Settings{FirstBoot: true, Network: Network{Mode: "dhcp"}}
}

// IsFirstBoot reports whether s is the first-boot state (ignoring when it
// was last reset).
func (s Settings) IsFirstBoot() bool {
	d := Defaults()
	return s.FirstBoot == d.FirstBoot && s.AdminPasswordHash == "" &&
		s.Network.Mode == d.Network.Mode && s.Network.Address == "" && s.Network.Gateway == "" && len(s.Network.DNS) == 0
}

// Store is the settings file. Safe for concurrent use.
type Store struct {
	path string
	mu   sync.Mutex
}

// Open returns the store of the settings file in dir; the file need not
// exist (that is first boot).
func Open(dir string) *Store { return &Store{path: filepath.Join(dir, FileName)} }

// Path is the settings file.
func (s *Store) Path() string { return s.path }

// Load reads the settings; a missing file gives Defaults.
func (s *Store) Load() (Settings, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return Defaults(), nil
	}
	if err != nil {
		return Settings{}, fmt.Errorf("settings: read %s: %w", s.path, err)
	}
	var st Settings
	if err := json.Unmarshal(b, &st); err != nil {
		return Settings{}, fmt.Errorf("settings: parse %s: %w", s.path, err)
	}
	return st, nil
}

// Save replaces the file atomically: a power cut leaves the old or the new
// settings, never half of each.
func (s *Store) Save(st Settings) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.saveLocked(st)
}

// Reset puts the settings back to first boot, recording when.
func (s *Store) Reset(now time.Time) error {
	st := Defaults()
	t := now.UTC()
	st.ResetAt = &t
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.saveLocked(st)
}

func (s *Store) saveLocked(st Settings) error {
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("settings: encode: %w", err)
	}
	dir := filepath.Dir(s.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("settings: create %s: %w", dir, err)
	}
	f, err := os.CreateTemp(dir, ".settings-*.tmp")
	if err != nil {
		return fmt.Errorf("settings: create temp file in %s: %w", dir, err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // a no-op after the rename
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("settings: write %s: %w", tmp, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("settings: sync %s: %w", tmp, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("settings: close %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, s.path); err != nil {
		return fmt.Errorf("settings: replace %s: %w", s.path, err)
	}
	// The rename is durable only once the directory is synced.
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("settings: open %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("settings: sync %s: %w", dir, err)
	}
	return nil
}
