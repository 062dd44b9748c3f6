package settings

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestMissingFileIsFirstBoot(t *testing.T) {
	s := Open(t.TempDir())
	st, err := s.Load()
	if err != nil || !st.IsFirstBoot() {
		t.Fatalf("got %+v, %v", st, err)
	}
}

func TestSaveResetRoundTrip(t *testing.T) {
	dir := t.TempDir()
	s := Open(dir)
	custom := Settings{Network: Network{Mode: "static", Address: "10.1.2.3/24", Gateway: "10.1.2.1", DNS: []string{"10.1.2.1"}}, AdminPasswordHash: "x"}
	if err := s.Save(custom); err != nil {
		t.Fatal(err)
	}
	got, err := Open(dir).Load()
	if err != nil || got.IsFirstBoot() || got.Network.Address != "10.1.2.3/24" {
		t.Fatalf("after save: %+v, %v", got, err)
	}
	now := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	if err := s.Reset(now); err != nil {
		t.Fatal(err)
	}
	got, err = Open(dir).Load()
	if err != nil || !got.IsFirstBoot() || got.ResetAt == nil || !got.ResetAt.Equal(now) {
		t.Fatalf("after reset: %+v, %v", got, err)
	}
	// Only the settings file is left: no temp files.
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 || ents[0].Name() != FileName {
		t.Errorf("dir holds %v", ents)
	}
}

func TestCorruptFileIsAnError(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir).Load(); err == nil {
		t.Fatal("corrupt file loaded")
	}
	// Reset heals it.
	if err := Open(dir).Reset(time.Now()); err != nil {
		t.Fatal(err)
	}
	if st, err := Open(dir).Load(); err != nil || !st.IsFirstBoot() {
		t.Fatalf("%+v, %v", st, err)
	}
}
