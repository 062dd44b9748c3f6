package panel

import "skyguard/board"

// Rule is one row of the panel table: when When holds, LED shows Pattern.
// Rows of one LED are in priority order; the last row of each LED matches
// everything.
type Rule struct {
	LED     LEDName
	Pattern board.Pattern
	EN, ZH  string // the condition in words, as printed in LEDS.md
	When    func(State) bool
}

func resetFeedback(s State) bool { return s.ResetHeld >= ResetFeedbackAfter }

// needsAttention is what makes the status LED fast-blink: a fault someone
// must come and deal with.
func needsAttention(s State) bool {
	return s.Disk == DiskFault || s.Disk == DiskMissing || s.AlarmUnacked ||
		(!s.Booting && s.Cameras > 0 && s.CamerasRecording <= 0)
}

func always(State) bool { return true }

// Rules returns the panel table (a fresh copy: callers may not change the
// panel's behaviour by editing it).
func Rules() []Rule {
	const holdEN, holdZH = "reset button held ≥ 3 s (feedback)", "复位键按住 ≥ 3 秒（反馈）"
	return []Rule{
		{Status, board.FastBlink, holdEN, holdZH, resetFeedback},
		{Status, board.FastBlink, "a fault needs attention: disk fault or missing, alarm not acknowledged, or (after boot) no camera recording", "故障需处理：硬盘故障或缺失、告警未确认，或（启动后）无摄像机在录像", needsAttention},
		{Status, board.SlowBlink, "booting", "启动中", func(s State) bool { return s.Booting }},
		{Status, board.Solid, "OK", "正常", always},

		{Rec, board.FastBlink, holdEN, holdZH, resetFeedback},
		{Rec, board.Off, "no cameras configured", "未配置摄像机", func(s State) bool { return s.Cameras <= 0 }},
		{Rec, board.FastBlink, "cameras configured but none recording", "已配置摄像机但均未录像", func(s State) bool { return s.CamerasRecording <= 0 }},
		{Rec, board.SlowBlink, "some camera down or not recording", "部分摄像机掉线或未录像", func(s State) bool {
			return s.CamerasDown > 0 || s.CamerasRecording < s.Cameras
		}},
		{Rec, board.Solid, "all cameras recording", "全部摄像机在录像", always},

		{Disk, board.FastBlink, holdEN, holdZH, resetFeedback},
		{Disk, board.FastBlink, "disk missing", "硬盘缺失", func(s State) bool { return s.Disk == DiskMissing }},
		{Disk, board.Solid, "disk fault", "硬盘故障", func(s State) bool { return s.Disk == DiskFault }},
		{Disk, board.SlowBlink, "disk warning (SMART, I/O errors, latency, space)", "硬盘警告（SMART、I/O 错误、延迟、空间）", func(s State) bool { return s.Disk == DiskWarning }},
		{Disk, board.Off, "disk OK", "硬盘正常", always},

		{Net, board.FastBlink, holdEN, holdZH, resetFeedback},
		{Net, board.SlowBlink, "uplink down", "上行网络中断", func(s State) bool { return s.Uplink == UplinkDown }},
		{Net, board.Solid, "uplink OK", "上行网络正常", func(s State) bool { return s.Uplink == UplinkOK }},
		{Net, board.Off, "uplink unknown", "上行网络状态未知", always},

		// The user is at the panel while holding reset: silence is kinder.
		{Buzzer, board.Off, "reset button held ≥ 3 s", "复位键按住 ≥ 3 秒", resetFeedback},
		{Buzzer, board.Solid, "alarm not acknowledged (short press silences)", "告警未确认（短按静音）", func(s State) bool { return s.AlarmUnacked }},
		{Buzzer, board.Off, "otherwise", "其他情况", always},
	}
}
