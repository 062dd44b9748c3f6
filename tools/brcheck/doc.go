// Package brcheck holds tests that validate the Buildroot external tree in
// buildroot/ without building an image: Kconfig symbols, Buildroot's package
// conventions, the Go build flags against the top Makefile, the image layout
// and shellcheck on every script. It has no non-test code.
package brcheck
