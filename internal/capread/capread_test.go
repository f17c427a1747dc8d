package capread

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
)

func TestFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	if err := os.WriteFile(p, []byte("0123456789"), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := File(p, 10); err != nil || string(b) != "0123456789" {
		t.Fatalf("at the cap: %q, %v", b, err)
	}
	_, err := File(p, 9)
	if !errors.Is(err, ErrTooLarge) || err.Error() != "larger than 9 bytes" {
		t.Fatalf("over the cap: %v", err)
	}
	if _, err := File(filepath.Join(dir, "missing"), 9); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
}

func TestRead(t *testing.T) {
	if b, err := Read(strings.NewReader("abc"), 3); err != nil || string(b) != "abc" {
		t.Fatalf("at the cap: %q, %v", b, err)
	}
	// An endless reader is refused after max+1 bytes.
	if _, err := Read(iotest.TimeoutReader(strings.NewReader(strings.Repeat("x", 100))), 10); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("over the cap: %v", err)
	}
	cause := errors.New("cut")
	if _, err := Read(iotest.ErrReader(cause), 10); !errors.Is(err, cause) {
		t.Fatalf("read error: %v", err)
	}
}
