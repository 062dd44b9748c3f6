package brcheck

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// repoRoot is the module root: the tests run in tools/brcheck.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatalf("brcheck: resolve repository root: %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, "buildroot", "external.desc")); err != nil {
		t.Fatalf("brcheck: buildroot/external.desc not found from %s: %v", root, err)
	}
	return root
}

func brDir(t *testing.T) string {
	t.Helper()
	return filepath.Join(repoRoot(t), "buildroot")
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("brcheck: read %s: %v", path, err)
	}
	return string(b)
}

// logicalLines joins make's backslash continuations so that one variable
// assignment is one line, the way make reads it.
func logicalLines(text string) []string {
	var out []string
	var cur strings.Builder
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasSuffix(line, "\\") {
			cur.WriteString(strings.TrimSuffix(line, "\\"))
			cur.WriteString(" ")
			continue
		}
		cur.WriteString(line)
		out = append(out, cur.String())
		cur.Reset()
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

var assignRe = regexp.MustCompile(`^([A-Za-z0-9_]+)\s*(?:\+=|\?=|:=|=)\s*(.*)$`)

// makeVars returns the top-level assignments of a makefile (last one wins,
// += appends), enough for the flat files this tree and the top Makefile use.
func makeVars(text string) map[string]string {
	vars := map[string]string{}
	for _, l := range logicalLines(text) {
		m := assignRe.FindStringSubmatch(l)
		if m == nil || strings.HasPrefix(l, "\t") {
			continue
		}
		val := strings.Join(strings.Fields(m[2]), " ")
		if strings.Contains(l, "+=") && vars[m[1]] != "" {
			vars[m[1]] += " " + val
		} else {
			vars[m[1]] = val
		}
	}
	return vars
}

// kconfigSymbols follows Config.in files from buildroot/Config.in through
// their "source" lines and returns every symbol they define.
func kconfigSymbols(t *testing.T, dir string) map[string]string {
	t.Helper()
	syms := map[string]string{}
	seen := map[string]bool{}
	sourceRe := regexp.MustCompile(`^\s*source\s+"([^"]+)"`)
	configRe := regexp.MustCompile(`^\s*(?:menu)?config\s+([A-Z0-9_]+)\s*$`)
	var walk func(path string, depth int)
	walk = func(path string, depth int) {
		if depth > 16 || seen[path] {
			return
		}
		seen[path] = true
		for _, l := range strings.Split(readFile(t, path), "\n") {
			if m := sourceRe.FindStringSubmatch(l); m != nil {
				p := strings.ReplaceAll(m[1], "$BR2_EXTERNAL_SKYGUARD_PATH", dir)
				if !strings.HasPrefix(p, dir) {
					t.Errorf("%s: source %q does not go through $BR2_EXTERNAL_SKYGUARD_PATH", path, m[1])
					continue
				}
				walk(p, depth+1)
			}
			if m := configRe.FindStringSubmatch(l); m != nil {
				syms[m[1]] = path
			}
		}
	}
	walk(filepath.Join(dir, "Config.in"), 0)
	return syms
}

func defconfigs(t *testing.T, dir string) map[string]string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "configs", "*_defconfig"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("brcheck: no defconfigs in %s/configs (err %v)", dir, err)
	}
	out := map[string]string{}
	for _, p := range paths {
		out[filepath.Base(p)] = readFile(t, p)
	}
	return out
}
