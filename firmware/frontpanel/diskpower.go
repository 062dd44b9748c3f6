package frontpanel

import "skyguard/board"

// DiskPower returns the board's disk bay when it can switch the data
// disk's power, else nil: the simulator always can, a GPIO board when its
// profile names a disk.power line. The volume supervisor uses it to
// power-cycle a hung disk once before declaring it failed.
func DiskPower(hw Hardware) board.DiskSlot {
	if hw == nil {
		return nil
	}
	if b, ok := hw.(interface{ HasLine(role string) bool }); ok && !b.HasLine("disk.power") {
		return nil
	}
	return hw.DiskSlot()
}
