package brcheck

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestExternalDesc(t *testing.T) {
	dir := brDir(t)
	if !regexp.MustCompile(`(?m)^name:\s*SKYGUARD\s*$`).MatchString(readFile(t, filepath.Join(dir, "external.desc"))) {
		t.Error("external.desc: want the line \"name: SKYGUARD\"")
	}
	if !strings.Contains(readFile(t, filepath.Join(dir, "external.mk")), "$(BR2_EXTERNAL_SKYGUARD_PATH)/package/*/*.mk") {
		t.Error("external.mk: does not include $(BR2_EXTERNAL_SKYGUARD_PATH)/package/*/*.mk")
	}
}

// Every SKYGUARD symbol a defconfig sets must exist, or Kconfig silently
// drops it and the image ships without the recorder.
func TestDefconfigSymbolsExist(t *testing.T) {
	dir := brDir(t)
	syms := kconfigSymbols(t, dir)
	if _, ok := syms["BR2_PACKAGE_SKYGUARD"]; !ok {
		t.Fatal("Config.in files: BR2_PACKAGE_SKYGUARD is not defined")
	}
	symRe := regexp.MustCompile(`BR2_PACKAGE_SKYGUARD[A-Z0-9_]*`)
	for name, text := range defconfigs(t, dir) {
		if !regexp.MustCompile(`(?m)^BR2_PACKAGE_SKYGUARD=y$`).MatchString(text) {
			t.Errorf("%s: BR2_PACKAGE_SKYGUARD=y missing", name)
		}
		for _, s := range symRe.FindAllString(text, -1) {
			if _, ok := syms[s]; !ok {
				t.Errorf("%s: %s is not defined in any Config.in of the tree", name, s)
			}
		}
	}
}

// The image properties the box relies on, per defconfig.
func TestDefconfigImageProperties(t *testing.T) {
	dir := brDir(t)
	extRe := regexp.MustCompile(`\$\(BR2_EXTERNAL_SKYGUARD_PATH\)/([^"\s]+)`)
	for name, text := range defconfigs(t, dir) {
		for _, want := range []string{
			"# BR2_TARGET_GENERIC_REMOUNT_ROOTFS_RW is not set",
			"BR2_PACKAGE_HOST_GENIMAGE=y",
			"BR2_PACKAGE_SMARTMONTOOLS=y",
			"BR2_PACKAGE_CHRONY=y",
			"BR2_PACKAGE_RAUC=y",
			"BR2_ROOTFS_POST_IMAGE_SCRIPT=",
			"BR2_LINUX_KERNEL_CONFIG_FRAGMENT_FILES=",
			"BR2_aarch64=y",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: missing %q", name, want)
			}
		}
		// Paths into the tree must exist, and fragments must build the
		// watchdog and GPIO character device into the kernel.
		for _, m := range extRe.FindAllStringSubmatch(text, -1) {
			p := filepath.Join(dir, m[1])
			if _, err := os.Stat(p); err != nil {
				t.Errorf("%s: references %s: %v", name, m[0], err)
				continue
			}
			if strings.HasSuffix(p, ".fragment") {
				frag := readFile(t, p)
				for _, opt := range []string{"CONFIG_WATCHDOG=y", "CONFIG_GPIO_CDEV=y"} {
					if !regexp.MustCompile(`(?m)^` + opt + `$`).MatchString(frag) {
						t.Errorf("%s: %s lacks %s", name, m[1], opt)
					}
				}
				if !regexp.MustCompile(`(?m)^CONFIG_[A-Z0-9_]+_WDT=y$`).MatchString(frag) {
					t.Errorf("%s: %s builds no watchdog driver in (=y)", name, m[1])
				}
			}
		}
	}
}

func TestFstabAndGenimage(t *testing.T) {
	dir := brDir(t)
	fstab := readFile(t, filepath.Join(dir, "board", "common", "rootfs-overlay", "etc", "fstab"))
	if !regexp.MustCompile(`(?m)^\S+\s+/data\s+\S+\s+\S*noatime`).MatchString(fstab) {
		t.Error("overlay etc/fstab: no /data entry with noatime")
	}
	if !regexp.MustCompile(`(?m)^/dev/root\s+/\s+\S+\s+ro\b`).MatchString(fstab) {
		t.Error("overlay etc/fstab: root is not mounted ro")
	}
	cfgs, _ := filepath.Glob(filepath.Join(dir, "board", "*", "genimage.cfg"))
	if len(cfgs) < 2 {
		t.Fatalf("board/*/genimage.cfg: want one per board, found %d", len(cfgs))
	}
	for _, c := range cfgs {
		text := readFile(t, c)
		for _, part := range []string{"boot", "rootfsA", "rootfsB", "data"} {
			if !regexp.MustCompile(`(?m)^\s*partition\s+` + part + `\s*\{`).MatchString(text) {
				t.Errorf("%s: no partition %s", c, part)
			}
		}
	}
}

// RAUC: two slots per board, a keyring, and no private key in the tree.
func TestRauc(t *testing.T) {
	dir := brDir(t)
	rauc := filepath.Join(dir, "board", "common", "rauc")
	confs, _ := filepath.Glob(filepath.Join(rauc, "system*.conf"))
	if len(confs) == 0 {
		t.Fatal("board/common/rauc: no system*.conf")
	}
	for _, c := range confs {
		text := readFile(t, c)
		for _, want := range []string{"compatible=skyguard-", "[slot.rootfs.0]", "[slot.rootfs.1]", "[keyring]", "bootloader="} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: missing %q", c, want)
			}
		}
	}
	gi := readFile(t, filepath.Join(rauc, ".gitignore"))
	for _, want := range []string{"*.key", "*.pem"} {
		if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(want) + `$`).MatchString(gi) {
			t.Errorf("board/common/rauc/.gitignore: %q not ignored", want)
		}
	}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if info, err := d.Info(); err == nil && info.Size() < 1<<20 && strings.Contains(readFile(t, p), "PRIVATE KEY-----") {
			t.Errorf("%s: holds a private key; keys never enter the repository", p)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("brcheck: walk %s: %v", dir, err)
	}
}
