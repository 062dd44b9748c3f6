package update

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
)

// Rebooter restarts the box into the slot the bootloader boots next.
type Rebooter interface {
	Reboot(ctx context.Context) error
}

// CommandRebooter runs a command (argv, no shell), "reboot" by default.
type CommandRebooter struct{ Argv []string }

// Reboot implements Rebooter.
func (c CommandRebooter) Reboot(ctx context.Context) error {
	argv := c.Argv
	if len(argv) == 0 {
		argv = []string{"reboot"}
	}
	out, err := exec.CommandContext(ctx, argv[0], argv[1:]...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("reboot (%s): %s: %w", strings.Join(argv, " "), strings.TrimSpace(string(out)), err)
	}
	return nil
}
