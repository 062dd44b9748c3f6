// Package version holds the build stamp set by the Makefile's -ldflags.
package version

// Set at link time; the defaults mark a build made without the Makefile.
var (
	Version = "dev"
	Commit  = "unknown"
	Date    = "unknown"
)

// String is the one-line form `skyguard version` prints.
func String() string {
	return "skyguard " + Version + " (commit " + Commit + ", built " + Date + ")"
}
