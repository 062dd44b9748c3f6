// Package volume supervises the recording ring: it watches the open store
// for disk faults, a vanished data folder and hung writes, takes a faulted
// store down without disturbing the cameras, and reopens the same volume
// by itself once a healthy disk is back — never a different or unformatted
// one.
package volume
