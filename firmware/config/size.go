package config

import (
	"fmt"
	"math"
	"math/big"
	"regexp"
	"strings"
)

// sizeUnits are the byte multiples a size may carry, lower-cased. Single
// letters (G, T) are refused: a disk sold as 1 TB holds 1e12 bytes, and
// guessing 1024 or 1000 silently is how a ring ends up larger than its disk.
var sizeUnits = map[string]int64{
	"": 1, "b": 1,
	"kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12, "pb": 1e15,
	"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40, "pib": 1 << 50,
}

var sizeRE = regexp.MustCompile(`^([0-9]{1,20}(?:\.[0-9]{1,12})?)\s*([A-Za-z]{0,3})$`)

// ParseSize reads a byte count: plain bytes ("4096") or a number with a
// decimal (KB, MB, GB, TB, PB) or binary (KiB, MiB, GiB, TiB, PiB) unit, in
// any letter case; a fraction ("1.5TB") is allowed and rounded down to
// whole bytes.
func ParseSize(s string) (int64, error) {
	m := sizeRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, fmt.Errorf("bad size %q: want a number of bytes or a number with a unit such as 900GiB or 1.5TB", s)
	}
	unit, ok := sizeUnits[strings.ToLower(m[2])]
	if !ok {
		return 0, fmt.Errorf("bad size %q: unknown unit %q (use B, KB, MB, GB, TB, KiB, MiB, GiB or TiB)", s, m[2])
	}
	r, ok := new(big.Rat).SetString(m[1])
	if !ok {
		return 0, fmt.Errorf("bad size %q", s)
	}
	r.Mul(r, new(big.Rat).SetInt64(unit))
	n := new(big.Int).Quo(r.Num(), r.Denom())
	if !n.IsInt64() {
		return 0, fmt.Errorf("size %q too large", s)
	}
	return n.Int64(), nil
}

// FormatSize writes n bytes in the largest binary unit that keeps it
// readable, for messages.
func FormatSize(n int64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	v := float64(n)
	i := 0
	for math.Abs(v) >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%d B", n)
	}
	return fmt.Sprintf("%.1f %s", v, units[i])
}
