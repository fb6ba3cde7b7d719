package store

import (
	"encoding/json"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
)

// The store keeps a site's kind-specific settings, its latency watch and a check's timings as
// JSON documents; these are their shapes, the same in both databases.

// SiteOptions is the sites.options document.
type SiteOptions struct {
	HTTP monitor.HTTPOptions `json:"http,omitzero"`
	DNS  monitor.DNSOptions  `json:"dns,omitzero"`
}

// EncodeOptions returns the options document of a site.
func EncodeOptions(s monitor.Site) []byte {
	b, _ := json.Marshal(SiteOptions{HTTP: s.HTTP, DNS: s.DNS})
	return b
}

// DecodeOptions fills a site's options from its document.
func DecodeOptions(b []byte, s *monitor.Site) error {
	var o SiteOptions
	// Most sites have no options: "{}" is read per site with every claim and every result.
	if len(b) > 0 && string(b) != "{}" {
		if err := json.Unmarshal(b, &o); err != nil {
			return err
		}
	}
	s.HTTP, s.DNS = o.HTTP, o.DNS
	return nil
}

type timingsDoc struct {
	DNS              float64 `json:"dns_ms"`
	Connect          float64 `json:"connect_ms"`
	TLS              float64 `json:"tls_ms"`
	ServerProcessing float64 `json:"server_processing_ms"`
	Transfer         float64 `json:"transfer_ms"`
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func dur(ms float64) time.Duration { return time.Duration(ms * float64(time.Millisecond)) }

// EncodeTimings returns the checks.timings document, or nil when the check has none.
func EncodeTimings(t *monitor.Timings) []byte {
	if t == nil {
		return nil
	}
	b, _ := json.Marshal(timingsDoc{ms(t.DNS), ms(t.Connect), ms(t.TLS), ms(t.ServerProcessing), ms(t.Transfer)})
	return b
}

// DecodeTimings reads the checks.timings document; nil for none.
func DecodeTimings(b []byte) (*monitor.Timings, error) {
	if len(b) == 0 {
		return nil, nil
	}
	var d timingsDoc
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, err
	}
	return &monitor.Timings{DNS: dur(d.DNS), Connect: dur(d.Connect), TLS: dur(d.TLS),
		ServerProcessing: dur(d.ServerProcessing), Transfer: dur(d.Transfer)}, nil
}
