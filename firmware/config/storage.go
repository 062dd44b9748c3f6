package config

import "path/filepath"

func parseStorage(l *errorList, f field) (Storage, int) {
	fs := l.fields(f.val, "storage", "path", "size", "slot_size")
	var s Storage
	path, pathLine := l.required(fs, "path", "storage", f.key.Line)
	if path != "" && !filepath.IsAbs(path) {
		l.add(pathLine, "storage.path", "%q is not an absolute path", path)
	}
	s.Path = filepath.Clean(path)
	if path == "" {
		s.Path = ""
	}

	text, sizeLine := l.required(fs, "size", "storage", f.key.Line)
	if text != "" {
		n, err := ParseSize(text)
		switch {
		case err != nil:
			l.add(sizeLine, "storage.size", "%v", err)
		case n <= 0:
			l.add(sizeLine, "storage.size", "must be more than 0")
		default:
			s.Size = n
		}
	}

	s.SlotSize = DefaultSlotSize
	text, line := l.optional(fs, "slot_size", "storage", "", sizeLine)
	if text != "" {
		n, err := ParseSize(text)
		if err != nil {
			l.add(line, "storage.slot_size", "%v", err)
			return s, sizeLine
		}
		s.SlotSize = n
	}
	// Slots are written with O_DIRECT-friendly alignment and the ring
	// needs at least two, so one can be reclaimed while the other records.
	switch {
	case s.SlotSize%4096 != 0:
		l.add(line, "storage.slot_size", "%d bytes is not a multiple of 4096", s.SlotSize)
	case s.SlotSize < 1<<20:
		l.add(line, "storage.slot_size", "%s is less than 1 MiB", FormatSize(s.SlotSize))
	case s.Size > 0 && s.SlotSize > s.Size/2:
		l.add(line, "storage.slot_size", "%s is more than half of storage.size (%s): the ring needs at least 2 slots",
			FormatSize(s.SlotSize), FormatSize(s.Size))
	}
	return s, sizeLine
}
