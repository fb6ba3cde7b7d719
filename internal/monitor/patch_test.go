package monitor

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func ptr[T any](v T) *T { return &v }

var (
	t0     = time.Date(2026, 3, 4, 5, 6, 7, 891234567, time.FixedZone("CET", 3600))
	limits = Limits{MinIntervalSeconds: 10}
)

func TestStoredTimeIsUTCToTheMicrosecond(t *testing.T) {
	got := StoredTime(t0)
	if got.Location() != time.UTC || got.Nanosecond() != 891234000 || !got.Equal(t0.Truncate(time.Microsecond)) {
		t.Errorf("StoredTime(%v) = %v", t0, got)
	}
}

func TestNewSiteFillsInTheDefaults(t *testing.T) {
	now := StoredTime(t0)
	tests := []struct {
		name  string
		patch SitePatch
		l     Limits
		check func(t *testing.T, s Site)
	}{
		{"an http site with only its url", SitePatch{URL: ptr(" https://example.com/health ")}, limits, func(t *testing.T, s Site) {
			want := Site{OwnerID: 7, Kind: KindHTTP, Name: "example.com", URL: "https://example.com/health", CheckIntervalSeconds: 300,
				TimeoutSeconds: 10, ExpectedStatusCode: 200, FailureThreshold: 1, Status: StatusPending,
				NextCheckAt: now.Add(300 * time.Second), CreatedAt: now}
			if !reflect.DeepEqual(s, want) {
				t.Errorf("got  %+v\nwant %+v", s, want)
			}
		}},
		{"a short interval shortens the default timeout", SitePatch{URL: ptr("https://example.com"), CheckIntervalSeconds: ptr(5)},
			Limits{MinIntervalSeconds: 1}, func(t *testing.T, s Site) {
				if s.TimeoutSeconds != 5 || !s.NextCheckAt.Equal(now.Add(5*time.Second)) {
					t.Errorf("timeout %d, next %v", s.TimeoutSeconds, s.NextCheckAt)
				}
			}},
		{"a name given is trimmed", SitePatch{URL: ptr("https://example.com"), Name: ptr("  Shop ")}, limits, func(t *testing.T, s Site) {
			if s.Name != "Shop" {
				t.Errorf("name %q", s.Name)
			}
		}},
		{"a push site", SitePatch{Kind: ptr(Kind(" Push "))}, limits, func(t *testing.T, s Site) {
			if s.Kind != KindPush || s.Name != DefaultPushName || s.GraceSeconds != DefaultGraceSeconds || len(s.PushToken) < 20 ||
				!s.NextCheckAt.Equal(now.Add(300*time.Second+60*time.Second)) {
				t.Errorf("push site %+v", s)
			}
		}},
		{"a push site with no grace", SitePatch{Kind: ptr(KindPush), GraceSeconds: ptr(0)}, limits, func(t *testing.T, s Site) {
			if s.GraceSeconds != 0 || !s.NextCheckAt.Equal(now.Add(300*time.Second)) {
				t.Errorf("grace %d, next %v", s.GraceSeconds, s.NextCheckAt)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := NewSite(7, t0, tt.patch, tt.l)
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, s)
		})
	}
	a, _ := NewSite(1, t0, SitePatch{Kind: ptr(KindPush)}, limits)
	b, _ := NewSite(1, t0, SitePatch{Kind: ptr(KindPush)}, limits)
	if a.PushToken == b.PushToken {
		t.Error("two push sites got the same token")
	}
	if _, err := NewSite(1, t0, SitePatch{}, limits); fieldOf(err) != "url" {
		t.Errorf("a site without a url: %v", err)
	}
}

func fieldOf(err error) string {
	var fe *FieldError
	if errors.As(err, &fe) {
		return fe.Field
	}
	return ""
}

func storedHTTPSite(t *testing.T) Site {
	t.Helper()
	s, err := NewSite(1, t0, SitePatch{URL: ptr("https://example.com"), CheckIntervalSeconds: ptr(60), TimeoutSeconds: ptr(5),
		Headers: &map[string]string{"X-Api-Key": "s3cret", "Accept": "text/plain"}, BearerToken: ptr("tok"),
		Keyword: ptr("ok"), JSONSchema: ptr(`{ "type": "object" }`), MaxResponseTimeMS: ptr(4000)}, limits)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSitePatchApplyTo(t *testing.T) {
	tests := []struct {
		name  string
		patch SitePatch
		check func(t *testing.T, before, after Site)
	}{
		{"an empty patch changes nothing", SitePatch{}, func(t *testing.T, before, after Site) {
			if !reflect.DeepEqual(before, after) {
				t.Errorf("changed to %+v", after)
			}
		}},
		{"masked secrets keep their value", SitePatch{BearerToken: ptr(Masked), Headers: &map[string]string{"X-Api-Key": Masked}},
			func(t *testing.T, _, after Site) {
				if after.HTTP.BearerToken != "tok" || after.HTTP.Headers["X-Api-Key"] != "s3cret" || len(after.HTTP.Headers) != 1 {
					t.Errorf("http %+v", after.HTTP)
				}
			}},
		{"empty text clears", SitePatch{Keyword: ptr(""), JSONSchema: ptr(" "), BearerToken: ptr("")}, func(t *testing.T, _, after Site) {
			if after.HTTP.Keyword != "" || after.HTTP.JSONSchema != "" || after.HTTP.BearerToken != "" {
				t.Errorf("http %+v", after.HTTP)
			}
		}},
		{"a schema is kept compact", SitePatch{JSONSchema: ptr("{\n  \"type\": \"array\"\n}")}, func(t *testing.T, _, after Site) {
			if after.HTTP.JSONSchema != `{"type":"array"}` {
				t.Errorf("schema %q", after.HTTP.JSONSchema)
			}
		}},
		{"basic auth with a masked password keeps it", SitePatch{BasicAuth: &BasicAuth{Username: "ada", Password: "pw"}, BearerToken: ptr("")},
			func(t *testing.T, _, after Site) {
				p := SitePatch{BasicAuth: &BasicAuth{Username: "bob", Password: Masked}}
				if err := p.ApplyTo(&after, limits); err != nil || *after.HTTP.BasicAuth != (BasicAuth{"bob", "pw"}) {
					t.Errorf("basic auth %+v %v", after.HTTP.BasicAuth, err)
				}
				p = SitePatch{BasicAuth: &BasicAuth{}}
				if err := p.ApplyTo(&after, limits); err != nil || after.HTTP.BasicAuth != nil {
					t.Errorf("an empty username did not remove basic auth: %+v %v", after.HTTP.BasicAuth, err)
				}
			}},
		{"webhook ids are sorted and unique", SitePatch{WebhookIDs: &[]int64{5, 2, 5}}, func(t *testing.T, _, after Site) {
			if !reflect.DeepEqual(after.WebhookIDs, []int64{2, 5}) {
				t.Errorf("webhook ids %v", after.WebhookIDs)
			}
		}},
		{"becoming a push site brings a token and the default grace", SitePatch{Kind: ptr(KindPush), URL: ptr(""), Headers: &map[string]string{},
			BearerToken: ptr(""), Keyword: ptr(""), JSONSchema: ptr(""), MaxResponseTimeMS: ptr(0)}, func(t *testing.T, _, after Site) {
			if after.PushToken == "" || after.GraceSeconds != DefaultGraceSeconds {
				t.Errorf("push site %+v", after)
			}
			p := SitePatch{Kind: ptr(KindTCP), URL: ptr("db:5432")}
			if err := p.ApplyTo(&after, limits); err != nil || after.PushToken != "" {
				t.Errorf("a push site turned tcp kept its token %q (%v)", after.PushToken, err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := storedHTTPSite(t)
			after := before
			if err := tt.patch.ApplyTo(&after, limits); err != nil {
				t.Fatal(err)
			}
			tt.check(t, before, after)
		})
	}
}

func TestSitePatchErrorsLeaveTheSiteAlone(t *testing.T) {
	before := storedHTTPSite(t)
	for _, p := range []SitePatch{
		{Name: ptr("x"), CheckIntervalSeconds: ptr(-1)},
		{Name: ptr("x"), JSONSchema: ptr("{not json")},
		{Name: ptr("x"), Kind: ptr(KindPush)}, // a push site with a url
	} {
		after := before
		if err := p.ApplyTo(&after, limits); err == nil || !reflect.DeepEqual(after, before) {
			t.Errorf("%+v: error %v, site %+v", p, err, after)
		}
	}
}

// When two settings do not fit together, the error names the one the patch changed.
func TestSitePatchBlamesTheFieldItChanged(t *testing.T) {
	site := storedHTTPSite(t) // every 60 s, max_response_time_ms 4000
	if err := (SitePatch{TimeoutSeconds: ptr(30), RetryIntervalSeconds: ptr(30)}).ApplyTo(&site, limits); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		patch SitePatch
		field string
		says  string
	}{
		{"an interval below the stored timeout", SitePatch{CheckIntervalSeconds: ptr(20)}, "check_interval_seconds", "below timeout_seconds (30)"},
		{"a timeout above the stored interval", SitePatch{TimeoutSeconds: ptr(61)}, "timeout_seconds", "above check_interval_seconds (60)"},
		{"an interval below the stored retry interval", SitePatch{CheckIntervalSeconds: ptr(20), TimeoutSeconds: ptr(10)}, "check_interval_seconds", "below retry_interval_seconds (30)"},
		{"a retry interval above the stored interval", SitePatch{RetryIntervalSeconds: ptr(90)}, "retry_interval_seconds", "check_interval_seconds (60)"},
		{"a timeout below the stored response-time limit", SitePatch{TimeoutSeconds: ptr(3)}, "timeout_seconds", "below max_response_time_ms (4000 ms)"},
		{"a response-time limit above the stored timeout", SitePatch{MaxResponseTimeMS: ptr(40000)}, "max_response_time_ms", "timeout (30000 ms)"},
		{"both changed: the dependent one is named", SitePatch{TimeoutSeconds: ptr(3), MaxResponseTimeMS: ptr(4000)}, "max_response_time_ms", "timeout (3000 ms)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := site
			err := tt.patch.ApplyTo(&s, limits)
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tt.field || !strings.Contains(fe.Message, tt.says) {
				t.Errorf("error %v, want field %s saying %q", err, tt.field, tt.says)
			}
		})
	}
}

func TestPingDeadlineAndFirstCheck(t *testing.T) {
	push := Site{Kind: KindPush, CheckIntervalSeconds: 3600, GraceSeconds: 300}
	if got := push.PingDeadline(t0); !got.Equal(t0.Add(65 * time.Minute)) {
		t.Errorf("deadline %v", got)
	}
	if got := push.FirstCheckAt(t0); !got.Equal(push.PingDeadline(t0)) {
		t.Errorf("a push site is first due at %v, want its ping deadline", got)
	}
	if got := (Site{Kind: KindHTTP, CheckIntervalSeconds: 60, GraceSeconds: 300}).FirstCheckAt(t0); !got.Equal(t0.Add(time.Minute)) {
		t.Errorf("an http site is first due at %v, want an interval on", got)
	}
	if got := push.MissedPing().Error; got != "no ping within 1h5m0s (interval 1h0m0s + grace 5m0s)" {
		t.Errorf("missed ping %q", got)
	}
}

func TestMaskHeaders(t *testing.T) {
	got := MaskHeaders(map[string]string{"Authorization": "Bearer x", "X-Session-Id": "abc", "Accept": "text/html"})
	want := map[string]string{"Authorization": Masked, "X-Session-Id": Masked, "Accept": "text/html"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("MaskHeaders = %v", got)
	}
	if MaskHeaders(nil) != nil {
		t.Error("no headers should stay nil")
	}
}
