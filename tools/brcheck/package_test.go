package brcheck

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestPackageConventions applies the parts of Buildroot's check-package
// that a hand-written package usually gets wrong.
func TestPackageConventions(t *testing.T) {
	dir := brDir(t)
	pkgs, err := os.ReadDir(filepath.Join(dir, "package"))
	if err != nil {
		t.Fatalf("brcheck: list packages: %v", err)
	}
	for _, p := range pkgs {
		if !p.IsDir() {
			continue
		}
		name := p.Name()
		upper := strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
		pdir := filepath.Join(dir, "package", name)
		t.Run(name, func(t *testing.T) {
			checkConfigIn(t, filepath.Join(pdir, "Config.in"), upper)
			checkMk(t, filepath.Join(pdir, name+".mk"), name, upper)
		})
	}
}

func checkConfigIn(t *testing.T, path, upper string) {
	text := readFile(t, path)
	if !regexp.MustCompile(`(?m)^config BR2_PACKAGE_` + upper + `$`).MatchString(text) {
		t.Errorf("%s: does not define BR2_PACKAGE_%s", path, upper)
	}
	inHelp := false
	for i, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		where := fmt.Sprintf("%s:%d", path, i+1)
		switch {
		case l == "":
			continue
		case strings.HasSuffix(l, " ") || strings.HasSuffix(l, "\t"):
			t.Errorf("%s: trailing whitespace", where)
		case strings.HasPrefix(l, "config ") || strings.HasPrefix(l, "comment ") || strings.HasPrefix(l, "if ") || l == "endif":
			inHelp = false
		case l == "\thelp":
			inHelp = true
		case inHelp:
			if !strings.HasPrefix(l, "\t  ") {
				t.Errorf("%s: help text must be indented with a tab and two spaces", where)
			}
		case !strings.HasPrefix(l, "\t") || strings.HasPrefix(l, "\t "):
			t.Errorf("%s: attributes must be indented with one tab", where)
		}
	}
}

func checkMk(t *testing.T, path, name, upper string) {
	text := readFile(t, path)
	lines := strings.Split(text, "\n")
	bar := strings.Repeat("#", 80)
	header := []string{bar, "#", "# " + name, "#", bar, ""}
	for i, want := range header {
		if i >= len(lines) || lines[i] != want {
			t.Errorf("%s:%d: header line must be %q", path, i+1, want)
			break
		}
	}
	if !strings.HasSuffix(strings.TrimRight(text, "\n"), "$(eval $(golang-package))") && !strings.Contains(text, "$(eval $(") {
		t.Errorf("%s: does not end with $(eval $(...-package))", path)
	}
	inDefine, prevEmpty, prevCont := false, false, false
	defRe := regexp.MustCompile(`^define\s+([A-Za-z0-9_]+)`)
	for i, l := range lines[:len(lines)-1] {
		where := fmt.Sprintf("%s:%d", path, i+1)
		if strings.TrimRight(l, " \t") != l {
			t.Errorf("%s: trailing whitespace", where)
		}
		if l == "" && prevEmpty {
			t.Errorf("%s: consecutive empty lines", where)
		}
		prevEmpty = l == ""
		if m := defRe.FindStringSubmatch(l); m != nil {
			inDefine = true
			if !strings.HasPrefix(m[1], upper+"_") {
				t.Errorf("%s: %s is not prefixed with %s_", where, m[1], upper)
			}
		} else if l == "endef" {
			inDefine = false
		} else if inDefine || prevCont {
			// Bodies and continuations: tabs, never spaces.
			if l != "" && !strings.HasPrefix(l, "\t") {
				t.Errorf("%s: indent with a tab, not spaces", where)
			}
		} else if m := assignRe.FindStringSubmatch(l); m != nil {
			if !strings.HasPrefix(m[1], upper+"_") {
				t.Errorf("%s: variable %s is not prefixed with %s_", where, m[1], upper)
			}
			if !regexp.MustCompile(`^[A-Z0-9_]+ (\+=|\?=|:=|=)( |$)`).MatchString(l) {
				t.Errorf("%s: write assignments as \"NAME = value\" with single spaces", where)
			}
		} else if strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t") {
			t.Errorf("%s: unexpected indentation outside a define", where)
		}
		prevCont = strings.HasSuffix(l, "\\")
	}
	if inDefine {
		t.Errorf("%s: define without endef", path)
	}
	vars := makeVars(text)
	if name == "skyguard" {
		for k, want := range map[string]string{"_SITE_METHOD": "local", "_VERSION": "local", "_GOMOD": "skyguard"} {
			if got := vars[upper+k]; got != want {
				t.Errorf("%s: %s%s = %q, want %q", path, upper, k, got, want)
			}
		}
		if got := vars["SKYGUARD_BUILD_TARGETS"]; got != "firmware/cmd/skyguard" {
			t.Errorf("%s: SKYGUARD_BUILD_TARGETS = %q, want firmware/cmd/skyguard", path, got)
		}
		excl := vars["SKYGUARD_OVERRIDE_SRCDIR_RSYNC_EXCLUSIONS"]
		for _, x := range []string{".git", "out", "bin", "demo-data"} {
			if !regexp.MustCompile(`--exclude /?` + regexp.QuoteMeta(x) + `( |$)`).MatchString(excl) {
				t.Errorf("%s: rsync exclusions lack %s", path, x)
			}
		}
		for _, f := range []string{"S90skyguard", "skyguard.service"} {
			if _, err := os.Stat(filepath.Join(filepath.Dir(path), f)); err != nil {
				t.Errorf("%s: init file %s: %v", path, f, err)
			}
		}
		for _, d := range []string{"define SKYGUARD_INSTALL_INIT_SYSV", "define SKYGUARD_INSTALL_INIT_SYSTEMD", "/etc/skyguard/skyguard.yaml"} {
			if !strings.Contains(text, d) {
				t.Errorf("%s: missing %q", path, d)
			}
		}
	}
}
