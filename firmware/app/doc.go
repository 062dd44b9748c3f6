// Package app wires the box together: storage, one ingest and hub per
// camera, the recorder loops and the web server, and runs them under one
// context so that a stop is clean and ordered (cameras, then the ring).
package app
