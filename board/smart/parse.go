package smart

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Report is the part of smartctl's output the box acts on.
type Report struct {
	Device        string `json:"device"`
	Protocol      string `json:"protocol"` // "ATA" or "NVMe"
	Model         string `json:"model"`
	Serial        string `json:"serial"`
	HasStatus     bool   `json:"has_status"`
	Passed        bool   `json:"passed"`        // smart_status.passed
	Reallocated   int64  `json:"reallocated"`   // ATA 5
	Pending       int64  `json:"pending"`       // ATA 197
	Uncorrectable int64  `json:"uncorrectable"` // ATA 198
	TemperatureC  int    `json:"temperature_c"`
	PowerOnHours  int64  `json:"power_on_hours"`
	// NVMe health log.
	CriticalWarning int   `json:"critical_warning"`
	PercentageUsed  int   `json:"percentage_used"`
	MediaErrors     int64 `json:"media_errors"`
}

type rawJSON struct {
	Device struct {
		Name     string `json:"name"`
		Protocol string `json:"protocol"`
	} `json:"device"`
	ModelName    string `json:"model_name"`
	SerialNumber string `json:"serial_number"`
	SmartStatus  *struct {
		Passed bool `json:"passed"`
	} `json:"smart_status"`
	ATA *struct {
		Table []struct {
			ID   int    `json:"id"`
			Name string `json:"name"`
			Raw  struct {
				Value int64 `json:"value"`
			} `json:"raw"`
		} `json:"table"`
	} `json:"ata_smart_attributes"`
	Temperature *struct {
		Current int `json:"current"`
	} `json:"temperature"`
	PowerOnTime *struct {
		Hours int64 `json:"hours"`
	} `json:"power_on_time"`
	NVMe *struct {
		CriticalWarning int   `json:"critical_warning"`
		Temperature     int   `json:"temperature"`
		PercentageUsed  int   `json:"percentage_used"`
		MediaErrors     int64 `json:"media_errors"`
		PowerOnHours    int64 `json:"power_on_hours"`
	} `json:"nvme_smart_health_information_log"`
}

// ErrNoData means the output parsed but holds no SMART data (USB bridge
// without pass-through, smartctl error): the caller cannot judge the disk.
var ErrNoData = errors.New("no SMART data")

// Parse decodes `smartctl --json -a` output.
func Parse(b []byte) (Report, error) {
	var raw rawJSON
	if err := json.Unmarshal(b, &raw); err != nil {
		return Report{}, fmt.Errorf("smart: decode smartctl json: %w", err)
	}
	r := Report{Device: raw.Device.Name, Protocol: raw.Device.Protocol, Model: raw.ModelName, Serial: raw.SerialNumber}
	if raw.SmartStatus != nil {
		r.HasStatus, r.Passed = true, raw.SmartStatus.Passed
	}
	if raw.Temperature != nil {
		r.TemperatureC = raw.Temperature.Current
	}
	if raw.PowerOnTime != nil {
		r.PowerOnHours = raw.PowerOnTime.Hours
	}
	if raw.ATA != nil {
		for _, a := range raw.ATA.Table {
			switch a.ID {
			case 5:
				r.Reallocated = a.Raw.Value
			case 197:
				r.Pending = a.Raw.Value
			case 198:
				r.Uncorrectable = a.Raw.Value
			}
		}
	}
	if n := raw.NVMe; n != nil {
		r.CriticalWarning, r.PercentageUsed, r.MediaErrors = n.CriticalWarning, n.PercentageUsed, n.MediaErrors
		if r.TemperatureC == 0 {
			r.TemperatureC = n.Temperature
		}
		if r.PowerOnHours == 0 {
			r.PowerOnHours = n.PowerOnHours
		}
	}
	if !r.HasStatus && raw.ATA == nil && raw.NVMe == nil {
		return r, fmt.Errorf("smart: %s: %w", r.Device, ErrNoData)
	}
	return r, nil
}
