package gpio

import (
	"bytes"
	"fmt"
	"os"
	"sort"

	"go.yaml.in/yaml/v3"
)

// Roles a profile may map, with the direction each needs.
var roleDirections = map[string]string{
	"led.status": "output", "led.rec": "output", "led.disk": "output", "led.net": "output",
	"buzzer": "output", "disk.power": "output",
	"button.reset": "input", "disk.present": "input",
}

// LineSpec locates one line: by Name (the board's GPIO line name) or by
// Chip + Offset.
type LineSpec struct {
	Name      string `yaml:"name,omitempty"`
	Chip      string `yaml:"chip,omitempty"`
	Offset    *int   `yaml:"offset,omitempty"`
	ActiveLow bool   `yaml:"active_low,omitempty"`
	Direction string `yaml:"direction"`
	Bias      string `yaml:"bias,omitempty"` // pull-up, pull-down, disabled; empty leaves as is
}

func (s LineSpec) String() string {
	if s.Name != "" {
		return fmt.Sprintf("line %q", s.Name)
	}
	if s.Offset == nil {
		return fmt.Sprintf("%s offset ?", s.Chip)
	}
	return fmt.Sprintf("%s offset %d", s.Chip, *s.Offset)
}

// Profile is a board's line layout, keyed by role (led.status, ...).
type Profile struct {
	Board string              `yaml:"board"`
	Lines map[string]LineSpec `yaml:"lines"`
}

// LoadProfile reads and validates a profile file.
func LoadProfile(path string) (Profile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Profile{}, fmt.Errorf("gpio: read profile %s: %w", path, err)
	}
	p, err := ParseProfile(b)
	if err != nil {
		return Profile{}, fmt.Errorf("gpio: profile %s: %w", path, err)
	}
	return p, nil
}

// ParseProfile decodes and validates a profile; unknown fields are errors
// so a typo does not silently leave a line unconfigured.
func ParseProfile(b []byte) (Profile, error) {
	var p Profile
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&p); err != nil {
		return Profile{}, fmt.Errorf("decode: %w", err)
	}
	if len(p.Lines) == 0 {
		return Profile{}, fmt.Errorf("no lines")
	}
	for _, role := range p.Roles() {
		s := p.Lines[role]
		want, ok := roleDirections[role]
		switch {
		case !ok:
			return Profile{}, fmt.Errorf("line %s: unknown role", role)
		case s.Direction != want:
			return Profile{}, fmt.Errorf("line %s: direction %q, want %q", role, s.Direction, want)
		case s.Name == "" && (s.Chip == "" || s.Offset == nil):
			return Profile{}, fmt.Errorf("line %s: needs name, or chip and offset", role)
		case s.Name != "" && (s.Chip != "" || s.Offset != nil):
			return Profile{}, fmt.Errorf("line %s: give name or chip+offset, not both", role)
		case s.Offset != nil && *s.Offset < 0:
			return Profile{}, fmt.Errorf("line %s: negative offset", role)
		}
		switch s.Bias {
		case "", "pull-up", "pull-down", "disabled":
		default:
			return Profile{}, fmt.Errorf("line %s: unknown bias %q", role, s.Bias)
		}
	}
	return p, nil
}

// Roles lists the profile's roles, sorted (stable start-up order).
func (p Profile) Roles() []string {
	r := make([]string, 0, len(p.Lines))
	for k := range p.Lines {
		r = append(r, k)
	}
	sort.Strings(r)
	return r
}
