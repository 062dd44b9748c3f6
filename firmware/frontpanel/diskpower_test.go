package frontpanel

import "testing"

type noPowerLine struct{ Hardware }

func (noPowerLine) HasLine(string) bool { return false }

// TestDiskPower: the simulator's bay can power-cycle; a board whose
// profile has no disk.power line cannot.
func TestDiskPower(t *testing.T) {
	sim := NewSim()
	slot := DiskPower(sim)
	if slot == nil {
		t.Fatal("sim board: no disk power")
	}
	if err := slot.SetPower(false); err != nil || sim.DiskPowered() {
		t.Fatalf("switch off: %v, powered %v", err, sim.DiskPowered())
	}
	if DiskPower(noPowerLine{sim}) != nil {
		t.Fatal("board without disk.power line: got a slot")
	}
	if DiskPower(nil) != nil {
		t.Fatal("nil board: got a slot")
	}
}
