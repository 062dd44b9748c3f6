package brcheck

import (
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// linkFlags splits an -ldflags value into its plain flags and the names
// of the variables it stamps with -X.
func linkFlags(ld string) (flags, stamps []string) {
	f := strings.Fields(ld)
	for i := 0; i < len(f); i++ {
		if f[i] == "-X" && i+1 < len(f) {
			name, _, _ := strings.Cut(f[i+1], "=")
			stamps = append(stamps, name)
			i++
			continue
		}
		flags = append(flags, f[i])
	}
	slices.Sort(flags)
	slices.Sort(stamps)
	return flags, stamps
}

// expand substitutes $(VAR) references from vars, a few levels deep. Values
// with spaces (the $(shell ...) stamps) stay unexpanded so that each -X
// argument stays one field.
func expand(s string, vars map[string]string) string {
	re := regexp.MustCompile(`\$\(([A-Za-z0-9_]+)\)`)
	for range 8 {
		n := re.ReplaceAllStringFunc(s, func(m string) string {
			if v, ok := vars[m[2:len(m)-1]]; ok && !strings.ContainsAny(v, " \t") {
				return v
			}
			return m
		})
		if n == s {
			break
		}
		s = n
	}
	return s
}

// The Buildroot binary must be the same program as `make firmware` builds:
// same stamps, same stripping, static and path-trimmed.
func TestGoFlagsMatchMakefile(t *testing.T) {
	root := repoRoot(t)
	top := makeVars(readFile(t, filepath.Join(root, "Makefile")))
	pkg := makeVars(readFile(t, filepath.Join(root, "buildroot", "package", "skyguard", "skyguard.mk")))

	topFlags, topStamps := linkFlags(expand(top["LDFLAGS"], top))
	pkgFlags, pkgStamps := linkFlags(pkg["SKYGUARD_LDFLAGS"])
	if len(topStamps) == 0 {
		t.Fatalf("Makefile: LDFLAGS has no -X stamps (parsed %q)", top["LDFLAGS"])
	}
	if !slices.Equal(topFlags, pkgFlags) {
		t.Errorf("ldflags differ: Makefile %v, skyguard.mk %v", topFlags, pkgFlags)
	}
	if !slices.Equal(topStamps, pkgStamps) {
		t.Errorf("-X stamps differ: Makefile %v, skyguard.mk %v", topStamps, pkgStamps)
	}

	build := top["BUILD"]
	env := pkg["SKYGUARD_GO_ENV"]
	if strings.Contains(build, "CGO_ENABLED=0") && !regexp.MustCompile(`(^| )CGO_ENABLED=0( |$)`).MatchString(env) {
		t.Errorf("Makefile builds with CGO_ENABLED=0; SKYGUARD_GO_ENV = %q does not", env)
	}
	if strings.Contains(build, "-trimpath") && !strings.Contains(env, "-trimpath") {
		t.Errorf("Makefile builds with -trimpath; SKYGUARD_GO_ENV GOFLAGS = %q does not", env)
	}
	for _, want := range []string{"-mod=vendor", "GOPROXY=off"} {
		if !strings.Contains(env, want) {
			t.Errorf("SKYGUARD_GO_ENV = %q: %s missing (the build must be offline from vendor/)", env, want)
		}
	}
}
