package brcheck

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// shellScripts lists files under dir that are shell scripts by name or by
// their #! line.
func shellScripts(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if strings.HasSuffix(p, ".sh") {
			out = append(out, p)
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		first, _, _ := strings.Cut(string(b), "\n")
		if strings.HasPrefix(first, "#!") && (strings.HasSuffix(first, "/sh") || strings.HasSuffix(first, "bash") || strings.HasSuffix(first, " sh")) {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("brcheck: find shell scripts in %s: %v", dir, err)
	}
	return out
}

func TestShellcheck(t *testing.T) {
	scripts := shellScripts(t, brDir(t))
	if len(scripts) == 0 {
		t.Fatal("brcheck: no shell scripts found under buildroot/; the walk is broken")
	}
	sc, err := exec.LookPath("shellcheck")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("shellcheck is not installed; tools/testdeps/install.sh should install it (Debian package shellcheck)")
		}
		t.Skip("SKIPPED LOUDLY: shellcheck is not installed, so the " +
			"Buildroot scripts are NOT linted; install it with `apt-get install shellcheck` or `make test-deps`")
	}
	for _, s := range scripts {
		if fi, err := os.Stat(s); err == nil && fi.Mode()&0o111 == 0 {
			t.Errorf("%s: shell script is not executable", s)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, sc, append([]string{"--norc", "--external-sources"}, scripts...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Errorf("shellcheck %d scripts: %v\n%s", len(scripts), err, out)
	}
}
