package channel

import (
	"errors"
	"testing"
	"time"
)

func TestOutcomeIsTheVerdictOrElseTheStatus(t *testing.T) {
	tests := []struct {
		resp Response
		want Outcome
	}{
		{Response{Status: 204}, Delivered},
		{Response{Status: 429}, RateLimited},
		{Response{Status: 410}, Rejected},
		{Response{Status: 410, Verdict: Gone}, Gone},
		{Response{Status: 404}, Gone},
		{Response{Status: 502}, Retry},
		{Response{}, Retry},
		{Response{Status: 200, Err: errors.New("unreadable")}, Retry},
		{Response{Status: 535, Err: errors.New("auth"), Verdict: Gone}, Gone},
	}
	for _, tt := range tests {
		if got := tt.resp.Outcome(); got != tt.want {
			t.Errorf("%+v: %v, want %v", tt.resp, got, tt.want)
		}
	}
	if Seconds(1e12) != MaxWait || Seconds(-1) != 0 || ParseSeconds("1.5") != 1500*time.Millisecond || ParseSeconds("Wed, 21 Oct 2015 07:28:00 GMT") != 0 {
		t.Errorf("waits are not bounded")
	}
}
