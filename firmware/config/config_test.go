package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExampleParses(t *testing.T) {
	c, err := Load(filepath.Join("..", "skyguard.example.yaml"))
	if err != nil {
		t.Fatalf("example config: %v", err)
	}
	if c.Box != (Box{ID: "jx-mandong-01", Name: "满硐镇录像机", Township: "满硐镇"}) {
		t.Errorf("box %+v", c.Box)
	}
	if c.Storage != (Storage{Path: "/data/skyguard", Size: 900 << 30, SlotSize: 256 << 20}) {
		t.Errorf("storage %+v", c.Storage)
	}
	if c.HTTP.Listen != ":8080" || len(c.Cameras) != 3 {
		t.Fatalf("http %+v, %d cameras", c.HTTP, len(c.Cameras))
	}
	want := []Camera{
		{ID: "cam01", Name: "上吴村", Transport: "tcp"},
		{ID: "cam02", Name: "南武山东村", Transport: "auto"},
		{ID: "cam03", Name: "东翟村", Transport: "udp"},
	}
	for i, w := range want {
		g := c.Cameras[i]
		if g.ID != w.ID || g.Name != w.Name || g.Transport != w.Transport || !strings.HasPrefix(g.Main, "rtsp://") {
			t.Errorf("camera %d: %+v", i, g)
		}
	}
	if c.Cameras[2].Sub != "" {
		t.Errorf("cam03 sub %q, want none", c.Cameras[2].Sub)
	}
}

func TestDefaults(t *testing.T) {
	c, err := Parse("config.yaml", []byte("box: {id: b1}\nstorage: {path: /data, size: 10GiB}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Storage.SlotSize != 256<<20 || c.HTTP.Listen != ":8080" || c.Cameras != nil {
		t.Errorf("defaults not applied: %+v", c)
	}
	c, err = Parse("config.yaml", []byte("box: {id: b1}\nstorage: {path: /data, size: 1000000000}\ncameras:\n  - {id: c, main: \"rtsp://h/x\"}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Storage.Size != 1e9 || c.Cameras[0].Transport != "auto" {
		t.Errorf("plain bytes or transport default: %+v", c)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.yaml"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

const okHead = "box: {id: jx-01}\nstorage: {path: /data, size: 10GiB}\n"

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		yaml string
		want []string // each must be one of the errors, whole
	}{
		{"duplicate camera id", okHead + "cameras:\n" +
			"  - {id: cam01, main: \"rtsp://h/1\"}\n" +
			"  - {id: cam02, main: \"rtsp://h/2\"}\n" +
			"  - {id: cam01, main: \"rtsp://h/3\"}\n",
			[]string{`config.yaml:6: cameras[2].id: duplicate camera id "cam01" (first at line 4)`}},
		{"unknown storage key", "box: {id: a}\nstorage:\n  path: /data\n  sise: 10GiB\n",
			[]string{
				"config.yaml:2: storage.size: required",
				"config.yaml:4: storage.sise: unknown field (known: path, size, slot_size)",
			}},
		{"unknown top key", okHead + "camras: []\n",
			[]string{"config.yaml:3: camras: unknown field (known: box, storage, http, cameras, board, uplink, rtsp, live, update, disk)"}},
		{"unknown camera key", okHead + "cameras:\n  - {id: a, main: \"rtsp://h/\", pasword: x}\n",
			[]string{"config.yaml:4: cameras[0].pasword: unknown field (known: id, name, main, sub, transport)"}},
		{"duplicate key", "box: {id: a}\nstorage: {path: /d, size: 1GiB}\nbox: {id: b}\n",
			[]string{"config.yaml:3: box: duplicate field (first at line 1)"}},
		{"missing sections", "http: {listen: \":80\"}\n",
			[]string{"config.yaml:1: box: required", "config.yaml:1: storage: required"}},
		{"missing box id", "box: {name: x}\nstorage: {path: /d, size: 1GiB}\n",
			[]string{"config.yaml:1: box.id: required"}},
		{"empty box id", "box:\n  id:\nstorage: {path: /d, size: 1GiB}\n",
			[]string{"config.yaml:2: box.id: required, but empty"}},
		{"bad box id", "box: {id: Mandong 01}\nstorage: {path: /d, size: 1GiB}\n",
			[]string{`config.yaml:1: box.id: bad id "Mandong 01": use 1 to 32 of a-z, 0-9, _ and -`}},
		{"long id", "box: {id: " + strings.Repeat("a", 33) + "}\nstorage: {path: /d, size: 1GiB}\n",
			[]string{`config.yaml:1: box.id: bad id "` + strings.Repeat("a", 33) + `": use 1 to 32 of a-z, 0-9, _ and -`}},
		{"missing storage fields", "box: {id: a}\nstorage: {slot_size: 1MiB}\n",
			[]string{"config.yaml:2: storage.path: required", "config.yaml:2: storage.size: required"}},
		{"relative path", "box: {id: a}\nstorage: {path: data, size: 1GiB}\n",
			[]string{`config.yaml:2: storage.path: "data" is not an absolute path`}},
		{"bad size", "box: {id: a}\nstorage: {path: /d, size: lots}\n",
			[]string{`config.yaml:2: storage.size: bad size "lots": want a number of bytes or a number with a unit such as 900GiB or 1.5TB`}},
		{"ambiguous unit", "box: {id: a}\nstorage: {path: /d, size: 1T}\n",
			[]string{`config.yaml:2: storage.size: bad size "1T": unknown unit "T" (use B, KB, MB, GB, TB, KiB, MiB, GiB or TiB)`}},
		{"zero size", "box: {id: a}\nstorage: {path: /d, size: 0}\n",
			[]string{"config.yaml:2: storage.size: must be more than 0"}},
		{"slot not aligned", "box: {id: a}\nstorage:\n  path: /d\n  size: 1GiB\n  slot_size: 1000001\n",
			[]string{"config.yaml:5: storage.slot_size: 1000001 bytes is not a multiple of 4096"}},
		{"slot too small", "box: {id: a}\nstorage: {path: /d, size: 1GiB, slot_size: 512KiB}\n",
			[]string{"config.yaml:2: storage.slot_size: 512.0 KiB is less than 1 MiB"}},
		{"slot too big", "box: {id: a}\nstorage: {path: /d, size: 1GiB, slot_size: 768MiB}\n",
			[]string{"config.yaml:2: storage.slot_size: 768.0 MiB is more than half of storage.size (1.0 GiB): the ring needs at least 2 slots"}},
		{"bad listen", okHead + "http: {listen: \"8080\"}\n",
			[]string{`config.yaml:3: http.listen: bad listen address "8080": want host:port or :port, e.g. ":8080"`}},
		{"bad port", okHead + "http: {listen: \":99999\"}\n",
			[]string{`config.yaml:3: http.listen: bad listen address ":99999": port must be a number from 1 to 65535`}},
		{"bad host", okHead + "http: {listen: \"a b:80\"}\n",
			[]string{`config.yaml:3: http.listen: bad listen address "a b:80": host is neither an IP address nor a host name`}},
		{"camera missing fields", okHead + "cameras:\n  - {name: x}\n",
			[]string{"config.yaml:4: cameras[0].id: required", "config.yaml:4: cameras[0].main: required"}},
		{"http scheme", okHead + "cameras:\n  - {id: a, main: \"http://h/x\"}\n",
			[]string{`config.yaml:4: cameras[0].main: bad URL: scheme "http", want rtsp or rtsps`}},
		{"no host", okHead + "cameras:\n  - {id: a, main: \"rtsp:///x\"}\n",
			[]string{"config.yaml:4: cameras[0].main: bad URL: no host"}},
		{"no scheme", okHead + "cameras:\n  - {id: a, main: \"10.0.0.1/x\"}\n",
			[]string{"config.yaml:4: cameras[0].main: bad URL: no scheme, want rtsp://host/path"}},
		{"URL parse error hides password", okHead + "cameras:\n  - {id: a, main: \"rtsp://u:secret@h:12x/\"}\n",
			[]string{`config.yaml:4: cameras[0].main: bad URL: invalid port ":12x" after host`}},
		{"bad sub", okHead + "cameras:\n  - id: a\n    main: \"rtsp://h/1\"\n    sub: \"rtmp://h/2\"\n",
			[]string{`config.yaml:6: cameras[0].sub: bad URL: scheme "rtmp", want rtsp or rtsps`}},
		{"bad transport", okHead + "cameras:\n  - {id: a, main: \"rtsp://h/1\", transport: TCP}\n",
			[]string{`config.yaml:4: cameras[0].transport: bad transport "TCP": use auto, tcp or udp`}},
		{"list for map", "box:\n  - id: a\nstorage: {path: /d, size: 1GiB}\n",
			[]string{"config.yaml:2: box: expected a mapping, got a list"}},
		{"map for list", okHead + "cameras: {id: a}\n",
			[]string{"config.yaml:3: cameras: expected a list, got a mapping"}},
		{"map for value", "box: {id: {x: 1}}\nstorage: {path: /d, size: 1GiB}\n",
			[]string{"config.yaml:1: box.id: expected a value, got a mapping"}},
		{"scalar root", "just text\n",
			[]string{"config.yaml:1: expected a mapping, got a value"}},
		{"camera entry not a map", okHead + "cameras:\n  - rtsp://h/1\n",
			[]string{"config.yaml:4: cameras[0]: expected a mapping, got a value"}},
		{"empty camera entry", okHead + "cameras:\n  -\n",
			[]string{"config.yaml:4: cameras[0]: empty camera entry"}},
		{"alias", "x: &a {id: a}\nbox: *a\n",
			[]string{"config.yaml:1: x: unknown field (known: box, storage, http, cameras, board, uplink, rtsp, live, update, disk)"}},
		{"empty file", "", []string{"config.yaml: empty file"}},
		{"comments only", "# nothing\n", []string{"config.yaml: empty file"}},
		{"syntax error", "box: {id: a}\nstorage: [path: /d\n",
			[]string{"config.yaml:2: YAML syntax: did not find expected ',' or ']'"}},
		{"unclosed flow at end of file", "box: {id: a\n",
			[]string{"config.yaml:2: YAML syntax: did not find expected ',' or '}'"}},
		{"scanner error", "box: {id: a}\nstorage: x: y\n",
			[]string{"config.yaml:2: YAML syntax: mapping values are not allowed in this context"}},
		{"tab indent", "box:\n\tid: a\n",
			[]string{"config.yaml:2: YAML syntax: found character that cannot start any token"}},
		{"two documents", okHead + "---\nbox: {id: b}\n",
			[]string{"config.yaml:3: more than one YAML document (---): put everything in one"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse("config.yaml", []byte(tc.yaml))
			if err == nil {
				t.Fatalf("accepted: %+v", c)
			}
			if c != nil {
				t.Error("config returned with an error")
			}
			got := strings.Split(err.Error(), "\n")
			for _, w := range tc.want {
				found := false
				for _, g := range got {
					found = found || g == w
				}
				if !found {
					t.Errorf("missing error\n  want %s\n  got  %s", w, strings.Join(got, "\n       "))
				}
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("error shows a password: %v", err)
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Errorf("no *FieldError in %v", err)
			}
		})
	}
}

func TestAllErrorsSortedByLine(t *testing.T) {
	src := "storage:\n" + // 1
		"  path: rel\n" + // 2
		"  size: 1GiB\n" + // 3
		"cameras:\n" + // 4
		"  - {id: A, main: \"http://x/\"}\n" + // 5
		"box: {id: ok, colour: red}\n" + // 6
		"http: {listen: nope}\n" // 7
	_, err := Parse("c.yaml", []byte(src))
	if err == nil {
		t.Fatal("accepted")
	}
	lines := strings.Split(err.Error(), "\n")
	want := []string{
		`c.yaml:2: storage.path: "rel" is not an absolute path`,
		`c.yaml:5: cameras[0].id: bad id "A": use 1 to 32 of a-z, 0-9, _ and -`,
		`c.yaml:5: cameras[0].main: bad URL: scheme "http", want rtsp or rtsps`,
		`c.yaml:6: box.colour: unknown field (known: id, name, township)`,
		`c.yaml:7: http.listen: bad listen address "nope": want host:port or :port, e.g. ":8080"`,
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", err, strings.Join(want, "\n"))
	}
}

func TestParseSize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		bad  bool
	}{
		{"900GiB", 900 << 30, false},
		{"256MiB", 256 << 20, false},
		{"1.5TB", 1_500_000_000_000, false},
		{"1.5 TiB", 3 << 39, false},
		{"4096", 4096, false},
		{"4096B", 4096, false},
		{"2gib", 2 << 30, false},
		{"1.3MiB", 1363148, false}, // 1363148.8 rounded down
		{"7PiB", 7 << 50, false},
		{"", 0, true},
		{"-1GiB", 0, true},
		{"1G", 0, true},
		{"GiB", 0, true},
		{"1e9", 0, true},
		{"1/2GiB", 0, true},
		{"99999999PiB", 0, true},
		{"9223372036854775808", 0, true},
		{"1.GiB", 0, true},
	} {
		got, err := ParseSize(tc.in)
		if tc.bad != (err != nil) || got != tc.want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d, bad=%v", tc.in, got, err, tc.want, tc.bad)
		}
	}
}

func TestCheckDisk(t *testing.T) {
	src := "box: {id: a}\n\nstorage:\n  path: /data/skyguard\n  size: 900GiB\n"
	c, err := Parse("config.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var asked string
	disk := func(n int64) func(string) (int64, error) {
		return func(p string) (int64, error) { asked = p; return n, nil }
	}
	if err := c.CheckDisk(disk(1 << 40)); err != nil {
		t.Errorf("1 TiB disk: %v", err)
	}
	if asked != "/data/skyguard" {
		t.Errorf("free asked about %q", asked)
	}
	err = c.CheckDisk(disk(500 << 30))
	want := "config.yaml:5: storage.size: 900.0 GiB is larger than the disk at /data/skyguard can give (500.0 GiB)"
	if err == nil || err.Error() != want {
		t.Errorf("small disk: %v\nwant %s", err, want)
	}
	boom := errors.New("statfs: input/output error")
	if err := c.CheckDisk(func(string) (int64, error) { return 0, boom }); !errors.Is(err, boom) {
		t.Errorf("free error not passed on: %v", err)
	}
}

func TestRedacted(t *testing.T) {
	c := Camera{Main: "rtsp://admin:s3cret@10.0.0.64:554/Streaming/Channels/101", Sub: "rtsp://10.0.0.64/102"}
	if got := c.RedactedMain(); got != "rtsp://admin:xxxxx@10.0.0.64:554/Streaming/Channels/101" {
		t.Errorf("RedactedMain %q", got)
	}
	if got := c.RedactedSub(); got != "rtsp://10.0.0.64/102" {
		t.Errorf("RedactedSub %q", got)
	}
	if got := (Camera{Main: "rtsp://u:p@h:x/"}).RedactedMain(); strings.Contains(got, "p@") {
		t.Errorf("invalid URL leaks: %q", got)
	}
}

// A ring with fewer slots than cameras + 2 leaves some cameras unrecorded:
// refused up front, on the line of storage.size.
func TestTooFewSlotsForCameras(t *testing.T) {
	doc := "box: {id: jx-01, name: x, township: y}\n" +
		"storage: {path: /data/skyguard, size: 4MiB, slot_size: 1MiB}\n" +
		"cameras:\n" +
		"  - {id: c1, name: a, main: \"rtsp://10.0.0.1/1\"}\n" +
		"  - {id: c2, name: b, main: \"rtsp://10.0.0.2/1\"}\n" +
		"  - {id: c3, name: c, main: \"rtsp://10.0.0.3/1\"}\n"
	_, err := Parse("t.yaml", []byte(doc))
	if err == nil || !strings.Contains(err.Error(), "t.yaml:2: storage.size: 4.0 MiB holds 4 slots") || !strings.Contains(err.Error(), "3 cameras need at least 5") {
		t.Fatalf("err = %v", err)
	}
	if _, err := Parse("t.yaml", []byte(strings.Replace(doc, "4MiB", "5MiB", 1))); err != nil {
		t.Fatalf("5 slots for 3 cameras refused: %v", err)
	}
}
