package panel

import (
	"fmt"
	"strings"
)

// Markdown renders the table as printed in LEDS.md (between its
// "<!-- table -->" markers), so the document cannot drift from the code.
func Markdown() string {
	var b strings.Builder
	b.WriteString("| LED 指示灯 | 优先级 priority | 条件 | condition | 显示 pattern |\n")
	b.WriteString("|---|---|---|---|---|\n")
	prio := map[LEDName]int{}
	for _, r := range Rules() {
		prio[r.LED]++
		fmt.Fprintf(&b, "| %s | %d | %s | %s | %s |\n", r.LED, prio[r.LED], r.ZH, r.EN, r.Pattern)
	}
	return b.String()
}
