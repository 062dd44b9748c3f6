// Package diskhealth watches the data disk: whether it is there and
// writable, how full its filesystem is, what SMART and the kernel log say
// about it, and how the ring's own writes fare. It boils all of that down
// to one state (ok, warning, fault, missing) with a reason, for the status
// page, the event log and the front panel LEDs.
package diskhealth
