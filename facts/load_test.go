package facts

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const validMinimal = `{
  "schema": "supaudit/facts/v1",
  "id": "t",
  "collected_at": "2026-11-20T00:00:00Z",
  "site": {"code": {"value": "ABC", "provenance": {"collector": "manual", "source": "hand"}}},
  "servers": [{"fqdn": "SUP01.corp.example.com",
    "wsus": {"port": {"value": 8530, "provenance": {"collector": "manual", "source": "hand"}}}}]
}`

func TestParseValid(t *testing.T) {
	doc, err := Parse("ok.json", []byte(validMinimal))
	if err != nil {
		t.Fatal(err)
	}
	if doc.Snapshot.ID != "t" || len(doc.Snapshot.Servers) != 1 {
		t.Fatalf("unexpected snapshot: %+v", doc.Snapshot)
	}
	port, ok := doc.Snapshot.Servers[0].WSUS.Port.Get()
	if !ok || port != 8530 {
		t.Fatalf("port = %v, %v", port, ok)
	}
	if _, ok := doc.Snapshot.Site.Mode.Get(); ok {
		t.Fatal("absent mode must be unknown")
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, input string
		want        []string // substrings of the error
	}{
		{"empty", "", []string{"bad.json", "empty file"}},
		{"truncated", validMinimal[:60], []string{"bad.json:", "unexpected end of file"}},
		{"not object", "[1,2]", []string{"bad.json: /: expected a JSON object, got array"}},
		{"syntax", "{\n  \"schema\": ,\n}", []string{"bad.json:2:", "invalid JSON"}},
		{"trailing data", validMinimal + "{}", []string{"extra data"}},
		{"missing schema", `{"id": "x"}`, []string{"/schema: missing"}},
		{"unknown schema", strings.Replace(validMinimal, "facts/v1", "facts/v2", 1), []string{`unsupported snapshot schema "supaudit/facts/v2"`}},
		{"schema wrong type", `{"schema": 1}`, []string{"/schema: expected the string"}},
		{"unknown field", strings.Replace(validMinimal, `"id": "t"`, `"id": "t", "colour": "red"`, 1), []string{"bad.json: /", "colour"}},
		{"wrong type", strings.Replace(validMinimal, `"value": 8530`, `"value": "8530"`, 1), []string{"/servers/0/wsus/port/value", "string"}},
		{"port out of range", strings.Replace(validMinimal, `"value": 8530`, `"value": 70000`, 1), []string{"/servers/0/wsus/port/value"}},
		{"bad version", strings.Replace(validMinimal, `"site": {`, `"site": {"configmgr_version": {"value": "4.00.x", "provenance": {"collector": "m", "source": "s"}}, `, 1), []string{"/site/configmgr_version/value"}},
		{"value and unknown", strings.Replace(validMinimal, `"value": 8530,`, `"value": 8530, "unknown": "why",`, 1), []string{"/servers/0/wsus/port: has both \"value\" and \"unknown\""}},
		{"neither value nor unknown", strings.Replace(validMinimal, `"value": 8530,`, ``, 1), []string{"/servers/0/wsus/port: has neither \"value\" nor \"unknown\""}},
		{"conflicts on an unknown fact", strings.Replace(validMinimal, `"value": 8530,`, `"unknown": "why", "conflicts": [],`, 1), []string{"/servers/0/wsus/port:", "'value' required", "'conflicts'"}},
		{"unknown fact member", strings.Replace(validMinimal, `"value": 8530,`, `"value": 8530, "colour": 1,`, 1), []string{"/servers/0/wsus/port:", "'colour' not allowed"}},
		{"empty reason", strings.Replace(validMinimal, `"value": 8530,`, `"unknown": "",`, 1), []string{"/servers/0/wsus/port/unknown"}},
		{"wrong conflict type", strings.Replace(validMinimal, `"value": 8530,`, `"value": 8530, "conflicts": [{"value": "x", "provenance": {"collector": "a", "source": "b"}}],`, 1), []string{"/servers/0/wsus/port/conflicts/0/value", "string"}},
		{"missing provenance", strings.Replace(validMinimal, `"value": 8530, "provenance": {"collector": "manual", "source": "hand"}`, `"value": 8530`, 1), []string{"/servers/0/wsus/port", "provenance"}},
		{"bad time", strings.Replace(validMinimal, "2026-11-20T00:00:00Z", "yesterday", 1), []string{"/collected_at"}},
		{"duplicate server", strings.Replace(validMinimal, `"servers": [`, `"servers": [{"fqdn": "sup01.corp.example.com"}, `, 1), []string{"/servers/1/fqdn", "listed twice"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("bad.json", []byte(tc.input))
			if err == nil {
				t.Fatal("expected an error")
			}
			var le *Error
			if !errors.As(err, &le) {
				t.Fatalf("error %T is not *facts.Error: %v", err, err)
			}
			msg := err.Error()
			if strings.Contains(msg, "\n") {
				t.Errorf("error is not one line: %q", msg)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not contain %q", msg, w)
				}
			}
		})
	}
}

func TestLoadFileLimits(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.json")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	// A sparse 1 GiB file: rejected by size before anything is read.
	if err := f.Truncate(1 << 30); err != nil {
		t.Fatal(err)
	}
	f.Close()
	_, err = LoadFile(big, Options{})
	if err == nil || !strings.Contains(err.Error(), "larger than the 67108864 byte limit") {
		t.Fatalf("1 GiB file: %v", err)
	}
	if _, err := LoadFile(filepath.Join(dir, "missing.json"), Options{}); err == nil || !strings.Contains(err.Error(), "missing.json: cannot open") {
		t.Fatalf("missing file: %v", err)
	}
	if _, err := LoadFile(dir, Options{}); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Fatalf("directory: %v", err)
	}
	small := filepath.Join(dir, "small.json")
	if err := os.WriteFile(small, []byte(validMinimal), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFile(small, Options{MaxSize: 10}); err == nil {
		t.Fatal("MaxSize not enforced")
	}
}

func TestParseAnswers(t *testing.T) {
	good := "answers:\n  - step: SUP-01\n    by: J. Doe\n    at: 2026-11-20\n    note: reviewed\n"
	as, err := ParseAnswers("a.yaml", []byte(good))
	if err != nil || len(as) != 1 || as[0].At.Year() != 2026 {
		t.Fatalf("got %v, %v", as, err)
	}
	for _, bad := range []struct{ in, want string }{
		{"answers:\n  - step: SUP-01\n    at: 2026-11-20\n", "answers[0].by: missing"},
		{"answers:\n  - step: SUP-01\n    by: x\n    at: last week\n", "answers[0].at"},
		{"answer:\n  - step: SUP-01\n", "unknown field"},
		{"answers: [\n", "a.yaml"},
	} {
		if _, err := ParseAnswers("a.yaml", []byte(bad.in)); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%q: got %v, want %q", bad.in, err, bad.want)
		}
	}
}

// FuzzParse checks that no input makes snapshot loading panic, and that
// every rejection is a one-line *Error naming the file.
func FuzzParse(f *testing.F) {
	f.Add([]byte(validMinimal))
	f.Add([]byte(`{"schema":"supaudit/facts/v1"}`))
	f.Add([]byte(""))
	f.Add([]byte("\xef\xbb\xbf{}"))
	// Over 1 MiB: a snapshot with many servers, and deep nesting.
	if b, err := os.ReadFile("../fixtures/snapshots/native-remote-and-internet-sup.json"); err == nil {
		var m map[string]any
		if json.Unmarshal(b, &m) == nil {
			if srvs, ok := m["servers"].([]any); ok && len(srvs) > 0 {
				for len(srvs) < 600 {
					srvs = append(srvs, srvs[0])
				}
				m["servers"] = srvs
				if big, err := json.Marshal(m); err == nil {
					f.Add(big)
				}
			}
		}
	}
	f.Add([]byte(`{"schema":"supaudit/facts/v1","x":` + strings.Repeat("[", 600000) + strings.Repeat("]", 600000) + "}"))
	if matches, _ := filepath.Glob("../fixtures/snapshots/*.json"); len(matches) > 0 {
		for _, m := range matches {
			if b, err := os.ReadFile(m); err == nil {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Parse("fuzz.json", data)
		if err != nil {
			var le *Error
			if !errors.As(err, &le) {
				t.Fatalf("error %T is not *facts.Error: %v", err, err)
			}
			if !strings.HasPrefix(err.Error(), "fuzz.json") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if doc.Snapshot == nil || doc.Raw == nil {
			t.Fatal("nil document without error")
		}
	})
}

// BenchmarkParse measures loading one full three-server snapshot (JSON
// decoding, schema validation, typed decoding, semantic checks): the
// per-snapshot cost check pays before policy evaluation.
func BenchmarkParse(b *testing.B) {
	data, err := os.ReadFile("../fixtures/snapshots/native-remote-and-internet-sup.json")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("bench.json", data); err != nil {
			b.Fatal(err)
		}
	}
}

// TestParseDuplicateKeysAndEncodings: a key given twice is refused,
// naming it and where it is (encoding/json alone keeps the last one, so
// `"schema":"evil/v9","schema":"supaudit/facts/v1"` passed); a UTF-16
// file is told to be saved as UTF-8.
func TestParseDuplicateKeysAndEncodings(t *testing.T) {
	good, err := os.ReadFile("../fixtures/snapshots/native-remote-and-internet-sup.json")
	if err != nil {
		t.Fatal(err)
	}
	utf16le := func(s []byte) []byte {
		out := []byte{0xFF, 0xFE}
		for _, c := range string(s) {
			out = append(out, byte(c), byte(c>>8))
		}
		return out
	}
	tests := []struct {
		name string
		data []byte
		want []string
	}{
		{"duplicate schema", bytes.Replace(good, []byte(`"schema": "supaudit/facts/v1"`), []byte(`"schema": "evil/v9", "schema": "supaudit/facts/v1"`), 1),
			[]string{`/schema: duplicate key "schema"`, "remove one"}},
		{"duplicate nested key, escaped", bytes.Replace(good, []byte(`"fqdn":`), []byte(`"fqdn": "x.example", "\u0066qdn":`), 1),
			[]string{`/servers/0/fqdn: duplicate key "fqdn"`}},
		{"UTF-16 with BOM", utf16le(good), []string{"the file is UTF-16 (little endian), not UTF-8: save it as UTF-8"}},
		{"UTF-16 without BOM", utf16le(good)[2:], []string{"UTF-16 (little endian)"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("s.json", tc.data)
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("err = %v, want %q", err, w)
				}
			}
		})
	}
	if _, err := Parse("s.json", good); err != nil {
		t.Errorf("the fixture: %v", err)
	}
}

// BenchmarkNoDuplicateKeys is the cost of the duplicate-key pass alone on
// the sample snapshot (compare with BenchmarkParse).
func BenchmarkNoDuplicateKeys(b *testing.B) {
	data, err := os.ReadFile("../fixtures/snapshots/native-remote-and-internet-sup.json")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if err := noDuplicateKeys("x", data); err != nil {
			b.Fatal(err)
		}
	}
}
