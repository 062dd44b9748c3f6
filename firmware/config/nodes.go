package config

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// field is one key: value pair of a YAML mapping.
type field struct {
	key, val *yaml.Node
}

// kindName says what a node is in the words a technician would use.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias (YAML aliases are not supported here)"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "nothing"
		}
		return "a value"
	default:
		return "a document"
	}
}

// isNull reports an absent value (`key:` or `key: null`).
func isNull(n *yaml.Node) bool {
	return n == nil || n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// fields checks that n is a mapping with only known keys, each once, and
// returns its pairs by key. A null node is an empty mapping.
func (l *errorList) fields(n *yaml.Node, path string, known ...string) map[string]field {
	out := map[string]field{}
	if isNull(n) {
		return out
	}
	if n.Kind != yaml.MappingNode {
		l.add(n.Line, path, "expected a mapping, got %s", kindName(n))
		return out
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			l.add(k.Line, path, "expected a field name, got %s", kindName(k))
			continue
		}
		name := join(path, k.Value)
		if prev, dup := out[k.Value]; dup {
			l.add(k.Line, name, "duplicate field (first at line %d)", prev.key.Line)
			continue
		}
		if !contains(known, k.Value) {
			l.add(k.Line, name, "unknown field (known: %s)", strings.Join(known, ", "))
			continue
		}
		out[k.Value] = field{k, v}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// str returns the text of a scalar field; ok is false when the field is
// absent or null, or not a scalar (reported).
func (l *errorList) str(f field, path string) (string, bool) {
	if f.val == nil || isNull(f.val) {
		return "", false
	}
	if f.val.Kind != yaml.ScalarNode {
		l.add(f.val.Line, path, "expected a value, got %s", kindName(f.val))
		return "", false
	}
	return f.val.Value, true
}

// required is str that reports an absent field at line, the line of the
// mapping that lacks it.
func (l *errorList) required(fs map[string]field, key, path string, line int) (string, int) {
	f, ok := fs[key]
	name := join(path, key)
	if !ok {
		l.add(line, name, "required")
		return "", line
	}
	s, ok := l.str(f, name)
	if !ok {
		if isNull(f.val) {
			l.add(f.key.Line, name, "required, but empty")
		}
		return "", f.key.Line
	}
	if strings.TrimSpace(s) == "" {
		l.add(f.val.Line, name, "required, but empty")
	}
	return s, f.val.Line
}

// optional is str with a default; it also returns the value's line.
func (l *errorList) optional(fs map[string]field, key, path, def string, line int) (string, int) {
	f, ok := fs[key]
	if !ok {
		return def, line
	}
	s, ok := l.str(f, join(path, key))
	if !ok {
		return def, f.key.Line
	}
	return s, f.val.Line
}
