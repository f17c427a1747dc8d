package snapdiff

import (
	"encoding/json"
	"strings"
	"testing"
)

func decode(t testing.TB, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

const before = `{"schema":"supaudit/facts/v1","id":"a","collected_at":"2026-01-01T00:00:00Z",
 "site":{"code":{"value":"LIT","provenance":{"collector":"bundle","source":"reg","line":4}}},
 "servers":[{"fqdn":"SUP01","wsus":{"version":{"value":"3.0.6000.273","provenance":{"collector":"bundle","host":"SUP01","source":"wsus.reg","line":5}}}},
            {"fqdn":"OLD01","resolves":{"value":true,"provenance":{"collector":"probe","source":"dns"}}}]}`

const after = `{"schema":"supaudit/facts/v1","id":"b","collected_at":"2026-02-01T00:00:00Z",
 "site":{"code":{"value":"LIT","provenance":{"collector":"bundle","source":"other.reg","line":9}}},
 "servers":[{"fqdn":"NEW01","resolves":{"value":false,"provenance":{"collector":"probe","source":"dns"}}},
            {"fqdn":"SUP01","wsus":{"version":{"value":"3.2.7600.226","provenance":{"collector":"bundle","host":"SUP01","source":"wsus.reg","line":5}}}}]}`

func TestDiff(t *testing.T) {
	got := Diff(decode(t, before), decode(t, after))
	var lines []string
	for _, c := range got {
		lines = append(lines, c.Kind+" "+c.Path)
	}
	want := []string{
		"added servers[NEW01].fqdn",
		"added servers[NEW01].resolves",
		"removed servers[OLD01].fqdn",
		"removed servers[OLD01].resolves",
		"changed servers[SUP01].wsus.version",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	for _, c := range got {
		if c.Path == "servers[SUP01].wsus.version" {
			if c.Before.Value != `"3.0.6000.273"` || c.After.Value != `"3.2.7600.226"` {
				t.Errorf("values %s -> %s", c.Before.Value, c.After.Value)
			}
			if p := ProvenanceString(c.After.Provenance); p != "bundle SUP01 wsus.reg:5" {
				t.Errorf("provenance %q", p)
			}
		}
	}
}

func FuzzDiff(f *testing.F) {
	f.Add([]byte(before), []byte(after))
	f.Add([]byte(`{}`), []byte(`{"a":[[[[1]]]]}`))
	f.Fuzz(func(t *testing.T, a, b []byte) {
		var ma, mb map[string]any
		if json.Unmarshal(a, &ma) != nil || json.Unmarshal(b, &mb) != nil {
			return
		}
		if len(Diff(ma, ma)) != 0 {
			t.Fatal("a snapshot differs from itself")
		}
		_ = Diff(ma, mb)
	})
}
