// Command skyguard is the recorder box's one program: the daemon, the demo,
// and the maintenance tools (config check, export, fsck).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

type command struct {
	name, usage string
	run         func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

var commands = []command{
	{"run", "run --config FILE            record the configured cameras (the daemon)", cmdRun},
	{"demo", "demo [--data DIR] [--listen ADDR]  the box on its embedded demo cameras", cmdDemo},
	{"check-config", "check-config [--offline] FILE  validate a provisioning file, change nothing", cmdCheckConfig},
	{"export", "export --data DIR --camera ID --from T --to T -o FILE.mp4", cmdExport},
	{"fsck", "fsck --data DIR [--rebuild]   verify every record; rebuild the index from the slots", cmdFsck},
	{"selftest", "selftest [--duration 5s] [--out DIR]  record the bundled cameras briefly and export MP4s", cmdSelftest},
	{"version", "version                      print the build stamp", cmdVersion},
}

func main() {
	os.Exit(realMain(os.Args[1:], os.Stdout, os.Stderr))
}

// errUsage marks an error that the usage text explains.
var errUsage = errors.New("usage")

func realMain(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands {
		if c.name != args[0] {
			continue
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		err := c.run(ctx, args[1:], stdout, stderr)
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errUsage):
			fmt.Fprintf(stderr, "skyguard %s: %v\nusage: skyguard %s\n", c.name, err, c.usage)
			return 2
		default:
			fmt.Fprintf(stderr, "skyguard %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "skyguard: unknown command %q\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Skyguard recorder box (蓝天卫士录像机)\n\ncommands:")
	for _, c := range commands {
		fmt.Fprintln(w, "  skyguard "+c.usage)
	}
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}

func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}
