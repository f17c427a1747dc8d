package facts

import (
	"os"
	"strings"
	"testing"
)

func TestFactLines(t *testing.T) {
	data, err := os.ReadFile("../fixtures/snapshots/wsus-2-on-sup.json")
	if err != nil {
		t.Fatal(err)
	}
	lines, err := FactLines(data)
	if err != nil {
		t.Fatal(err)
	}
	src := strings.Split(string(data), "\n")
	for fact, want := range map[string]string{
		"site.mode": `"mode":`,
		"servers[SMS01.corp.litwareinc.com].wsus.version":         `"version": {"value": "2.0.0.2620"`,
		"servers[SMS01.corp.litwareinc.com].ports[443].reachable": `{"port": 443, "reachable"`,
		"servers[SMS01.corp.litwareinc.com].sup.active":           `"active":`,
		"sync.status":                        `"status": {"value": "failed"`,
		"answers":                            `"answers": [`,
		"answers[1]":                         `"SUP installation plan approved"`,
		"servers[SMS01.corp.litwareinc.com]": "{", // the element starts at its brace
	} {
		n := lines[fact]
		if n < 1 || n > len(src) || !strings.Contains(src[n-1], want) {
			got := ""
			if n >= 1 && n <= len(src) {
				got = src[n-1]
			}
			t.Errorf("%s: line %d %q, want a line with %q", fact, n, got, want)
		}
	}
	if _, err := FactLines([]byte(`{"a": [1, 2`)); err == nil {
		t.Error("truncated JSON accepted")
	}
}

func FuzzFactLines(f *testing.F) {
	f.Add([]byte(`{"servers":[{"fqdn":"a","ports":[{"port":1,"x":{"value":1}}]}]}`))
	f.Add([]byte(`{"servers":[{"fqdn":{"x":[1]},"port":[{"fqdn":"y"}]}]}`))
	f.Add([]byte(strings.Repeat("[", 1000) + strings.Repeat("]", 1000)))
	f.Fuzz(func(t *testing.T, data []byte) {
		lines, err := FactLines(data)
		if err != nil {
			return
		}
		max := strings.Count(string(data), "\n") + 1
		for k, v := range lines {
			if v < 1 || v > max {
				t.Fatalf("%s: line %d of %d", k, v, max)
			}
		}
	})
}
