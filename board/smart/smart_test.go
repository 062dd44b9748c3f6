package smart

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func load(t *testing.T, name string) Report {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	r, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestTestdata(t *testing.T) {
	cases := []struct {
		file   string
		want   Report
		health Health
		reason string
	}{
		{"sata-healthy.json", Report{Device: "/dev/sda", Protocol: "ATA", Model: "WDC WD40PURZ-85AKKY0", Serial: "WD-WX12D81KT4N7",
			HasStatus: true, Passed: true, TemperatureC: 38, PowerOnHours: 14823}, OK, "healthy"},
		{"sata-pending.json", Report{Device: "/dev/sda", Protocol: "ATA", Model: "WDC WD40PURZ-85AKKY0", Serial: "WD-WX52D40HJ1A2",
			HasStatus: true, Passed: true, Reallocated: 64, Pending: 24, Uncorrectable: 24, TemperatureC: 41, PowerOnHours: 31207}, Fault, "24 pending sectors"},
		{"nvme.json", Report{Device: "/dev/nvme0", Protocol: "NVMe", Model: "Samsung SSD 980 1TB", Serial: "S649NL0T812345A",
			HasStatus: true, Passed: true, TemperatureC: 47, PowerOnHours: 8760, PercentageUsed: 3}, OK, "8760 h"},
	}
	for _, c := range cases {
		r := load(t, c.file)
		if r != c.want {
			t.Errorf("%s:\n got %+v\nwant %+v", c.file, r, c.want)
		}
		v := Classify(r)
		if v.Health != c.health || !strings.Contains(v.Reason, c.reason) {
			t.Errorf("%s: verdict %v %q", c.file, v.Health, v.Reason)
		}
	}
}

func TestClassifyRules(t *testing.T) {
	cases := []struct {
		r    Report
		want Health
	}{
		{Report{HasStatus: true, Passed: false}, Fault},
		{Report{HasStatus: true, Passed: true, Pending: 1}, Warning},
		{Report{HasStatus: true, Passed: true, Pending: 8}, Fault},
		{Report{HasStatus: true, Passed: true, Reallocated: 5}, Warning},
		{Report{HasStatus: true, Passed: true, Reallocated: 100}, Fault},
		{Report{HasStatus: true, Passed: true, TemperatureC: 56}, Warning},
		{Report{HasStatus: true, Passed: true, TemperatureC: 70}, Fault},
		{Report{Protocol: "NVMe", HasStatus: true, Passed: true, CriticalWarning: 0x04}, Fault},
		{Report{Protocol: "NVMe", HasStatus: true, Passed: true, PercentageUsed: 95}, Warning},
		{Report{Protocol: "NVMe", HasStatus: true, Passed: true, MediaErrors: 2}, Warning},
		{Report{HasStatus: true, Passed: true, TemperatureC: 40}, OK},
	}
	for _, c := range cases {
		if v := Classify(c.r); v.Health != c.want || v.Reason == "" {
			t.Errorf("%+v: %v %q, want %v", c.r, v.Health, v.Reason, c.want)
		}
	}
}

func TestBadInput(t *testing.T) {
	if _, err := Parse([]byte("{not json")); err == nil {
		t.Error("garbage accepted")
	}
	// What smartctl prints for a device it cannot open.
	b := []byte(`{"json_format_version":[1,0],"smartctl":{"exit_status":2,"messages":[{"string":"Smartctl open device: /dev/sdz failed: No such device","severity":"error"}]},"device":{"name":"/dev/sdz"}}`)
	if _, err := Parse(b); !errors.Is(err, ErrNoData) {
		t.Errorf("got %v, want ErrNoData", err)
	}
}
