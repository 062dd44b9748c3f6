package app

import (
	"context"
	"errors"
	"sync"
	"time"

	"skyguard/firmware/diskhealth"
	"skyguard/firmware/frontpanel"
	"skyguard/firmware/volume"
	"skyguard/webui"
)

// startDiskHealth watches the data disk until ctx ends; its state changes
// go to the event log through the supervisor (kept while the volume is
// down) and its state to /api/status.
func (a *App) startDiskHealth(ctx context.Context, wg *sync.WaitGroup) {
	d := a.cfg.Disk
	a.disk = diskhealth.New(diskhealth.Config{
		Path: a.cfg.Storage.Path, Device: d.Device, RequireMount: d.RequireMount,
		WarnFreeBytes: d.WarnFree, FaultFreeBytes: d.FaultFree, SmartInterval: d.SmartInterval,
	},
		diskhealth.Sources{Ring: a.store.Stats, Events: a.store}, a.log)
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := a.disk.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
			a.log.Error("disk health monitor stopped", "err", err)
		}
	}()
}

// diskStatus is the disk health section of /api/status.
func (a *App) diskStatus() *webui.DiskStatus {
	if a.disk == nil {
		return nil
	}
	st := a.disk.Status()
	return &webui.DiskStatus{
		State: st.State.String(), Reason: st.Reason, Since: st.Since, Checked: st.Checked,
		Device: st.Device, FreeBytes: st.FreeBytes, SMART: st.SMART, KernelIOErrors: st.KernelIOErrors,
		WriteP99Ms: float64(st.WriteP99) / float64(time.Millisecond),
		SyncP99Ms:  float64(st.SyncP99) / float64(time.Millisecond),
	}
}

// diskPowerCycle is the volume's hook to power-cycle a hung or vanished
// data disk through the board's disk bay, or nil when the board cannot
// switch the disk's power.
func diskPowerCycle(hw frontpanel.Hardware) func(context.Context) error {
	slot := frontpanel.DiskPower(hw)
	if slot == nil {
		return nil
	}
	return volume.CyclePower(slot, volume.CycleTiming{})
}
