package config

import "fmt"

// CheckDisk reports storage.size larger than the space free says the disk
// gives the ring. free gets storage.path, which may not exist yet: it is
// expected to look at the filesystem of the nearest existing parent (and to
// count a formatted ring's own slots as available).
func (c *Config) CheckDisk(free func(path string) (int64, error)) error {
	avail, err := free(c.Storage.Path)
	if err != nil {
		return fmt.Errorf("config: check disk space at %s: %w", c.Storage.Path, err)
	}
	if c.Storage.Size <= avail {
		return nil
	}
	return &FieldError{
		File: c.file, Line: c.sizeLine, Field: "storage.size",
		Msg: fmt.Sprintf("%s is larger than the disk at %s can give (%s)",
			FormatSize(c.Storage.Size), c.Storage.Path, FormatSize(avail)),
	}
}
