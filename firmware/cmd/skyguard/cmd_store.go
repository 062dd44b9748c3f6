package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	"context"
	"fmt"
	bolt "go.etcd.io/bbolt"
	"io"
	"time"

	"skyguard/recorder/export"
	"skyguard/recorder/ring"
)

func cmdExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("export", stderr)
	data := fs.String("data", "", "data folder of the ring")
	cam := fs.String("camera", "", "camera id")
	fromS := fs.String("from", "", "start, RFC 3339")
	toS := fs.String("to", "", "end, RFC 3339")
	out := fs.String("o", "", "output MP4 file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *data == "" || *cam == "" || *fromS == "" || *toS == "" || *out == "" {
		return fmt.Errorf("%w: --data, --camera, --from, --to and -o are required", errUsage)
	}
	from, err := time.Parse(time.RFC3339Nano, *fromS)
	if err != nil {
		return fmt.Errorf("%w: --from %q is not RFC 3339", errUsage, *fromS)
	}
	to, err := time.Parse(time.RFC3339Nano, *toS)
	if err != nil {
		return fmt.Errorf("%w: --to %q is not RFC 3339", errUsage, *toS)
	}
	if !to.After(from) {
		return fmt.Errorf("%w: --to must be after --from", errUsage)
	}
	if inside(*out, *data) {
		return fmt.Errorf("%w: -o %s is inside the data folder %s: write the export elsewhere", errUsage, *out, *data)
	}
	store, err := openOffline(*data, stderr)
	if err != nil {
		return err
	}
	defer store.Close()
	clip, err := store.Clip(*cam, from, to)
	if err != nil {
		return fmt.Errorf("export %s %s..%s: %w", *cam, *fromS, *toS, err)
	}
	m, err := export.NewMP4(export.Clip{Params: clip.Params, Start: clip.Start, Samples: clip.Samples, Data: clip.Data})
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	n, err := writeFileAtomic(*out, m)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	fmt.Fprintf(stdout, "%s: %d bytes, %d frames, %s from %s\n", *out, n, len(clip.Samples), m.Duration().Round(time.Millisecond), clip.Start.Format(time.RFC3339Nano))
	return nil
}

func cmdFsck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("fsck", stderr)
	data := fs.String("data", "", "data folder of the ring")
	rebuild := fs.Bool("rebuild", false, "rebuild the index from the slots alone")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *data == "" {
		return fmt.Errorf("%w: --data is required", errUsage)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	if err := checkDataDir(*data); err != nil {
		return err
	}
	rep, err := ring.Fsck(*data, ring.FsckOptions{Rebuild: *rebuild, Logger: newLogger(stderr, "info")})
	if err != nil {
		return explainOpen(*data, err)
	}
	fmt.Fprintf(stdout, "slots %d, records ok %d, corrupt %d, torn tails %d, index entries %d, missing from index %d, dangling in index %d, rebuilt %v\n",
		rep.Slots, rep.RecordsOK, rep.Corrupt, rep.TornTails, rep.IndexEntries, rep.Missing, rep.Dangling, rep.Rebuilt)
	for _, p := range rep.Problems {
		fmt.Fprintln(stdout, "  problem:", p)
	}
	if !rep.Clean() {
		return fmt.Errorf("%s: ring and index disagree or records are damaged (see above); `skyguard fsck --rebuild` rebuilds the index from the slots", *data)
	}
	fmt.Fprintln(stdout, "clean")
	return nil
}

// openOffline opens a ring for a maintenance command.
func openOffline(data string, stderr io.Writer) (*ring.Store, error) {
	if err := checkDataDir(data); err != nil {
		return nil, err
	}
	s, err := ring.Open(data, ring.Options{Logger: newLogger(stderr, "warn")})
	if err != nil {
		return nil, explainOpen(data, err)
	}
	return s, nil
}

func checkDataDir(data string) error {
	fi, err := os.Stat(data)
	if err != nil {
		return fmt.Errorf("data folder: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("data folder %s is not a directory", data)
	}
	return nil
}

// explainOpen adds what a technician should do to the common failures.
func explainOpen(data string, err error) error {
	switch {
	case errors.Is(err, bolt.ErrTimeout):
		return fmt.Errorf("%s is in use by a running skyguard: stop it first, or export over its HTTP API (%w)", data, err)
	case errors.Is(err, bolt.ErrInvalid), errors.Is(err, bolt.ErrChecksum):
		return fmt.Errorf("%w; `skyguard fsck --data %s --rebuild` rebuilds the index from the slots", err, data)
	}
	return err
}

// inside reports whether path lies in dir.
func inside(path, dir string) bool {
	p, err1 := filepath.Abs(path)
	d, err2 := filepath.Abs(dir)
	if err1 != nil || err2 != nil {
		return false
	}
	rel, err := filepath.Rel(d, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, "../")
}
