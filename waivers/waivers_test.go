package waivers

import (
	"strings"
	"testing"
	"time"

	"github.com/supaudit/supaudit/results"
)

const good = `waivers:
  - step: SUP-14
    subject: site LIT
    reason: sync fixed with the WSUS upgrade
    approved_by: J. Doe (change board)
    expires: 2027-01-31
  - step: SUP-06
    subject: SMS01.corp.litwareinc.com
    snapshot: litware-lit-wsus2
    reason: old
    approved_by: J. Doe
    expires: 2026-01-31
`

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"missing reason", "waivers:\n- {step: SUP-01, subject: x, approved_by: a, expires: 2027-01-01}", "waivers[0].reason: required"},
		{"missing expires", "waivers:\n- {step: SUP-01, subject: x, reason: r, approved_by: a}", "waivers[0].expires: required"},
		{"bad date", "waivers:\n- {step: SUP-01, subject: x, reason: r, approved_by: a, expires: 31/01/2027}", `waivers[0].expires: "31/01/2027" is not a date`},
		{"unknown field", "waivers:\n- {step: SUP-01, subject: x, reason: r, approved_by: a, expires: 2027-01-01, approver: b}", "unknown field"},
		{"not yaml", "waivers: [", "waivers w.yaml"},
		{"not a list", "waivers: 3", "waivers w.yaml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("w.yaml", []byte(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "w.yaml") {
				t.Errorf("err = %v, want one naming w.yaml and %q", err, tc.want)
			}
		})
	}
}

func TestApply(t *testing.T) {
	ws, err := Parse("w.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	rs := []results.Result{
		{Step: "SUP-14", Subject: "site LIT sync", Status: results.Fail, Message: "sync failed"},
		{Step: "SUP-06", Subject: "SMS01.corp.litwareinc.com", Status: results.Fail},
		{Step: "SUP-14", Subject: "site LITX sync", Status: results.Fail},
		{Step: "SUP-01", Subject: "site LIT", Status: results.Pass},
	}
	o := NewOutcome(len(ws))
	out := Apply(ws, "litware-lit-wsus2", rs, at, o)
	for _, tc := range []struct {
		i      int
		status results.Status
	}{{0, results.Waived}, {1, results.Fail}, {2, results.Warn}, {3, results.Fail}, {4, results.Pass}} {
		if out[tc.i].Status != tc.status {
			t.Errorf("result %d (%s %s): %s, want %s", tc.i, out[tc.i].Step, out[tc.i].Subject, out[tc.i].Status, tc.status)
		}
	}
	if len(out) != 5 {
		t.Fatalf("%d results, want 4 and one for the expired waiver", len(out))
	}
	if w := out[0].Waiver; w == nil || w.Status != results.Fail || w.ApprovedBy != "J. Doe (change board)" || out[0].Message != "sync failed" {
		t.Errorf("waived result %+v: want the original status, approver and message kept", out[0])
	}
	if !strings.Contains(out[2].Message, "expired on 2026-01-31") || out[2].Subject != "waiver SMS01.corp.litwareinc.com" {
		t.Errorf("expired waiver result %q %q", out[2].Subject, out[2].Message)
	}
	if o.Used[0] != 1 || o.Used[1] != 0 || o.Matched[1] != 1 {
		t.Errorf("outcome %+v", o)
	}
	// The last day still applies; the day after does not.
	if ws[0].Expired(time.Date(2027, 1, 31, 23, 59, 0, 0, time.UTC)) || !ws[0].Expired(time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC)) {
		t.Error("expires is the last day the waiver applies")
	}
	// Another snapshot: the snapshot-limited waiver does not match.
	if got := Apply(ws, "other", []results.Result{{Step: "SUP-06", Subject: "SMS01.corp.litwareinc.com", Status: results.Fail}}, at, nil); len(got) != 1 {
		t.Errorf("snapshot-limited waiver applied to another snapshot: %+v", got)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(good))
	f.Add([]byte("waivers: []"))
	f.Add([]byte("{}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ws, err := Parse("fuzz.yaml", data)
		if err != nil {
			return
		}
		for _, w := range ws {
			if w.Step == "" || w.Subject == "" || w.Expires == "" {
				t.Fatalf("accepted incomplete waiver %+v", w)
			}
			_ = w.Expired(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
		}
	})
}
