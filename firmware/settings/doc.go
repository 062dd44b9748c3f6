// Package settings keeps the box's first-boot settings — the network
// configuration and the admin password — in one small JSON file beside the
// provisioning file, replaced atomically, so the front panel's 10-second
// reset can put them back to their first-boot state.
package settings
