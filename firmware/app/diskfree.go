package app

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// DiskFree reports the bytes a ring at path may use: the free space of the
// filesystem holding it (or its nearest existing parent) plus what the
// slots already there occupy, since a formatted ring reuses its own space.
func DiskFree(path string) (int64, error) {
	free, err := fsFree(path)
	if err != nil {
		return 0, err
	}
	matches, _ := filepath.Glob(filepath.Join(path, "slots", "*"))
	for _, m := range matches {
		if fi, err := os.Stat(m); err == nil && fi.Mode().IsRegular() {
			free += fi.Size()
		}
	}
	return free, nil
}

func fsFree(path string) (int64, error) {
	p := path
	for i := 0; i < 64; i++ {
		var st unix.Statfs_t
		err := unix.Statfs(p, &st)
		if err == nil {
			return int64(st.Bavail) * int64(st.Bsize), nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return 0, err
		}
		parent := filepath.Dir(p)
		if parent == p {
			return 0, err
		}
		p = parent
	}
	return 0, errors.New("no existing parent directory")
}
