// Package webui is the box's HTTP face: the JSON API maintenance staff and
// the county use, and the embedded pages. It reads state through small
// interfaces it owns and never reaches into the recorder's internals.
package webui
