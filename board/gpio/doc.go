// Package gpio drives the real front panel through the Linux GPIO
// character device (go-gpiocdev), laid out by a YAML board profile. The
// library sits behind lineRequester so tests run on a fake line layer.
package gpio
