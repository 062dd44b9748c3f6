package config

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Parse checks a provisioning file's text; name is used in messages only,
// and the disk is never touched. The error, if any, joins every problem
// found, sorted by line, each a *FieldError.
func Parse(name string, data []byte) (*Config, error) {
	l := &errorList{file: name}
	root := document(l, data)
	if root == nil {
		return nil, l.err()
	}
	c := &Config{file: name}
	top := l.fields(root, "", "box", "storage", "http", "cameras", "board", "uplink", "rtsp", "live", "update", "disk")
	for _, k := range []string{"box", "storage"} {
		if _, ok := top[k]; !ok {
			l.add(root.Line, k, "required")
		}
	}
	if f, ok := top["box"]; ok {
		c.Box = parseBox(l, f)
	}
	if f, ok := top["storage"]; ok {
		c.Storage, c.sizeLine = parseStorage(l, f)
	}
	c.HTTP = parseHTTP(l, top["http"])
	c.Board = parseBoard(l, top["board"])
	c.Uplink = parseUplink(l, top["uplink"])
	c.RTSP = parseRTSP(l, top["rtsp"])
	c.Live = parseLive(l, top["live"])
	c.Update = parseUpdate(l, top["update"], c.Storage.Path)
	c.Disk = parseDisk(l, top["disk"])
	if f, ok := top["cameras"]; ok {
		c.Cameras = parseCameras(l, f)
	}
	// Each camera holds a slot of its own while it records, and the ring
	// needs two more to rotate; with fewer, some cameras record nothing.
	if c.Storage.SlotSize > 0 && c.Storage.Size > 0 {
		slots := c.Storage.Size / c.Storage.SlotSize
		if need := int64(len(c.Cameras)) + 2; slots < need {
			l.add(c.sizeLine, "storage.size", "%s holds %d slots of %s: %d cameras need at least %d (one each, plus two to rotate); raise storage.size or lower storage.slot_size",
				FormatSize(c.Storage.Size), slots, FormatSize(c.Storage.SlotSize), len(c.Cameras), need)
		}
	}
	if err := l.err(); err != nil {
		return nil, err
	}
	return c, nil
}

// document parses the YAML text and returns its root node, or nil after
// reporting why there is none.
func document(l *errorList, data []byte) *yaml.Node {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	err := dec.Decode(&doc)
	if errors.Is(err, io.EOF) {
		l.add(0, "", "empty file")
		return nil
	}
	if err != nil {
		l.add(yamlErrorLine(err), "", "%s", yamlErrorText(err))
		return nil
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case errors.Is(err, io.EOF):
	case err != nil:
		l.add(yamlErrorLine(err), "", "%s", yamlErrorText(err))
		return nil
	case len(next.Content) > 0 && !isNull(next.Content[0]):
		l.add(next.Line, "", "more than one YAML document (---): put everything in one")
		return nil
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 || isNull(doc.Content[0]) {
		l.add(doc.Line, "", "empty file")
		return nil
	}
	return doc.Content[0]
}

var yamlLineRE = regexp.MustCompile(`line ([0-9]+): `)

// yamlParserProblems start the messages of yaml.v3's parser (as opposed
// to its scanner). For those it reports the 0-based line where the
// enclosing construct began (its decode.go fail), so one is added.
var yamlParserProblems = []string{"did not find expected", "found duplicate %", "found incompatible", "found undefined tag"}

// yamlErrorLine finds the 1-based line of a yaml.v3 syntax error ("yaml:
// line 3: mapping values are not allowed in this context").
func yamlErrorLine(err error) int {
	s := err.Error()
	n := 0
	if m := yamlLineRE.FindStringSubmatch(s); m != nil {
		n, _ = strconv.Atoi(m[1])
	}
	for _, p := range yamlParserProblems {
		if strings.Contains(s, p) {
			return n + 1
		}
	}
	return n
}

// yamlErrorText drops the "yaml: line N:" prefix, which FieldError adds
// back in the file:line form.
func yamlErrorText(err error) string {
	s := err.Error()
	if loc := yamlLineRE.FindStringIndex(s); loc != nil {
		return "YAML syntax: " + s[loc[1]:]
	}
	return "YAML syntax: " + strings.TrimPrefix(s, "yaml: ")
}

var idRE = regexp.MustCompile(`^[a-z0-9_-]{1,32}$`)

func checkID(l *errorList, id string, line int, path string) {
	if id != "" && !idRE.MatchString(id) {
		l.add(line, path, "bad id %q: use 1 to 32 of a-z, 0-9, _ and -", id)
	}
}

func parseBox(l *errorList, f field) Box {
	fs := l.fields(f.val, "box", "id", "name", "township")
	var b Box
	var line int
	b.ID, line = l.required(fs, "id", "box", f.key.Line)
	checkID(l, b.ID, line, "box.id")
	b.Name, _ = l.optional(fs, "name", "box", "", 0)
	b.Township, _ = l.optional(fs, "township", "box", "", 0)
	return b
}
