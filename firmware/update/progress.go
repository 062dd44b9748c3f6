package update

import (
	"regexp"
	"strconv"
	"strings"
)

// rauc install prints "%3d%% %s" per step ("  40% Copying image to
// rootfs.1"); other lines ("installing", the final verdict) are not progress.
var progressRE = regexp.MustCompile(`^\s*([0-9]{1,3})%\s+(.*)$`)

// ParseProgress reads one output line of `rauc install`.
func ParseProgress(line string) (Progress, bool) {
	m := progressRE.FindStringSubmatch(strings.TrimRight(line, "\r"))
	if m == nil {
		return Progress{}, false
	}
	n, err := strconv.Atoi(m[1])
	if err != nil || n > 100 {
		return Progress{}, false
	}
	return Progress{Percent: n, Message: strings.TrimSpace(m[2])}, true
}
