package winrm

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadPasswordFile(t *testing.T) {
	dir := t.TempDir()
	for name, tc := range map[string]struct{ content, want, err string }{
		"first line, CRLF": {"s3cret\r\nsecond line\r\n", "s3cret", ""},
		"no line ending":   {"s3cret", "s3cret", ""},
		"empty first line": {"\nsecret below\n", "", "the first line is empty"},
	} {
		p := filepath.Join(dir, strings.ReplaceAll(name, " ", "-"))
		if err := os.WriteFile(p, []byte(tc.content), 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := ReadPasswordFile(p)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), "--password-file "+p+": "+tc.err) || strings.Contains(err.Error(), "secret") {
				t.Errorf("%s: err = %v", name, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s: %q, %v", name, got, err)
		}
	}
	missing := filepath.Join(dir, "missing")
	if _, err := ReadPasswordFile(missing); err == nil || !strings.HasPrefix(err.Error(), "--password-file "+missing+": ") {
		t.Errorf("missing file: err = %v", err)
	}
}
