package repocheck

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// outside matches references to places outside the repository: absolute
// paths of a developer's machine and the research notes beside the
// checkout. The project cites public sources (docs/sources.md) instead.
var outside = regexp.MustCompile(`(/wo` + `rk/|/home/[a-z]|/root/|/Users/[A-Za-z]|\.\./` + `shared|domain-` + `facts)`)

// allowed are the files that may name such a place: CI's entry point
// points the schema tests at the shared schema folder, and this file
// spells the patterns.
var allowed = map[string]bool{".ci/run": true, "internal/repocheck/repocheck_test.go": true}

// TestNoCitationsOutsideTheRepository reads every text file of the
// repository (docs, READMEs, Go and Rego sources and their comments,
// scripts, test data) and fails on a reference to a file outside it.
func TestNoCitationsOutsideTheRepository(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	var bad []string
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if d.Name() == ".git" { // a folder, or a worktree's gitdir file
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			switch d.Name() {
			case "node_modules", "bin", "out":
				return filepath.SkipDir
			}
			return nil
		}
		if allowed[rel] || !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil || info.Size() > 4<<20 {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if bytes.IndexByte(data, 0) >= 0 && !utf16Text(data) {
			return nil // binary (a DER certificate, a zip)
		}
		text := string(data)
		if utf16Text(data) {
			text = strings.ReplaceAll(text, "\x00", "")
		}
		for i, line := range strings.Split(text, "\n") {
			if m := outside.FindString(line); m != "" {
				bad = append(bad, rel+":"+itoa(i+1)+": "+strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) > 0 {
		t.Errorf("%d line(s) cite a place outside the repository (cite the public source in docs/sources.md instead):\n%s", len(bad), strings.Join(bad, "\n"))
	}
}

func utf16Text(b []byte) bool {
	return bytes.HasPrefix(b, []byte{0xFF, 0xFE}) || bytes.HasPrefix(b, []byte{0xFE, 0xFF})
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for n > 0 || i == len(b) {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// TestOutsidePattern: the pattern finds what it must and leaves ordinary
// Windows and URL paths alone.
func TestOutsidePattern(t *testing.T) {
	for _, tc := range []struct {
		line string
		want bool
	}{
		{"see /wo" + "rk/" + "shared/notes.md", true},
		{"(../" + "shared/sup-checklist-source.txt)", true},
		{"domain-" + "facts §3", true},
		{"/home/" + "alice/src", true},
		{`C:\Program Files\Update Services\`, false},
		{"https://learn.microsoft.com/previous-versions/system-center/", false},
		{"git clone . /tmp/x", false},
	} {
		if got := outside.MatchString(tc.line); got != tc.want {
			t.Errorf("%q: match %v, want %v", tc.line, got, tc.want)
		}
	}
}
