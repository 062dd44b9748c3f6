package gpio

import (
	"errors"
	"fmt"
	"sync"
)

// fakeChip is a line layer in memory: lines by name or "chip/offset".
type fakeChip struct {
	mu    sync.Mutex
	lines map[string]*fakeLine
}

type fakeLine struct {
	c         *fakeChip
	key       string
	value     int
	requested bool
	consumer  string
	spec      LineSpec
	onEdge    func(bool)
	history   []int
}

var errFakeNotFound = errors.New("not found")

func newFakeChip(keys ...string) *fakeChip {
	c := &fakeChip{lines: map[string]*fakeLine{}}
	for _, k := range keys {
		c.lines[k] = &fakeLine{c: c, key: k}
	}
	return c
}

func key(s LineSpec) string {
	if s.Name != "" {
		return s.Name
	}
	return fmt.Sprintf("%s/%d", s.Chip, *s.Offset)
}

func (c *fakeChip) Request(s LineSpec, consumer string, onEdge func(bool)) (line, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	l := c.lines[key(s)]
	if l == nil {
		return nil, fmt.Errorf("find %s: %w", s, errFakeNotFound)
	}
	if l.requested {
		return nil, fmt.Errorf("%s: busy", s)
	}
	l.requested, l.consumer, l.spec, l.onEdge = true, consumer, s, onEdge
	return l, nil
}

func (c *fakeChip) line(k string) *fakeLine {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lines[k]
}

func (l *fakeLine) Value() (int, error) {
	l.c.mu.Lock()
	defer l.c.mu.Unlock()
	return l.value, nil
}

func (l *fakeLine) SetValue(v int) error {
	l.c.mu.Lock()
	defer l.c.mu.Unlock()
	if !l.requested {
		return errors.New("line released")
	}
	if len(l.history) == 0 || l.history[len(l.history)-1] != v {
		l.history = append(l.history, v)
	}
	l.value = v
	return nil
}

func (l *fakeLine) Close() error {
	l.c.mu.Lock()
	defer l.c.mu.Unlock()
	l.requested = false
	return nil
}
