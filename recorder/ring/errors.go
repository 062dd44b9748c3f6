package ring

import "errors"

var (
	// ErrFault means the disk failed a write or sync; the store refuses
	// further writes rather than retrying blindly.
	ErrFault = errors.New("ring: disk fault")
	// ErrNotFound means nothing is recorded in the requested range.
	ErrNotFound = errors.New("ring: nothing recorded in range")
	// ErrGone means the slot holding the data was reused since it was
	// looked up (the HTTP layer answers 410).
	ErrGone = errors.New("ring: recording overwritten")
	// ErrNotVolume means a directory is not a formatted skyguard volume.
	ErrNotVolume = errors.New("ring: not a skyguard volume")
	// ErrWrongVolume means index.db belongs to another volume or schema.
	ErrWrongVolume = errors.New("ring: index belongs to another volume")
	// ErrNoSlot means every slot is held by a camera, so none can be reclaimed.
	ErrNoSlot = errors.New("ring: no slot can be reclaimed")
	// ErrCorrupt means bytes on disk failed their checks.
	ErrCorrupt = errors.New("ring: corrupt data")
)
