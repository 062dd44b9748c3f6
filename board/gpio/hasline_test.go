package gpio

import "testing"

// TestHasLine: the daemon power-cycles a hung disk only when the profile
// gave disk.power a line.
func TestHasLine(t *testing.T) {
	chip := newFakeChip(rpiLines...)
	b, err := open(loadShipped(t, "rpi4-carrier.yaml"), chip, quiet())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if !b.HasLine("disk.power") || b.HasLine("no.such.role") {
		t.Fatalf("HasLine: disk.power %v, no.such.role %v", b.HasLine("disk.power"), b.HasLine("no.such.role"))
	}
}
