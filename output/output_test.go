package output

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func write(s string) func(io.Writer) error {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}

func read(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// onlyFiles fails when dir holds anything but names (a temporary file left).
func onlyFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	for _, e := range ents {
		if !want[e.Name()] {
			t.Errorf("%s holds %s, want only %v", dir, e.Name(), names)
		}
	}
}

func TestWriteFileRegularAndNew(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	p := filepath.Join(dir, "report.json")
	if err := WriteFile(ctx, p, nil, write("one")); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(p); runtime.GOOS != "windows" && st.Mode().Perm() != 0o644 {
		t.Errorf("new file mode %v, want 0644", st.Mode().Perm())
	}
	if err := os.Chmod(p, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(ctx, p, nil, write("two")); err != nil {
		t.Fatal(err)
	}
	if got := read(t, p); got != "two" {
		t.Errorf("content %q", got)
	}
	if st, _ := os.Stat(p); runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v after rewrite, want the old 0600", st.Mode().Perm())
	}
	// A failing writer and a cancelled run keep the old content.
	boom := errors.New("boom")
	if err := WriteFile(ctx, p, nil, func(w io.Writer) error { io.WriteString(w, "partial"); return boom }); !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	if err := WriteFile(cctx, p, nil, func(w io.Writer) error { io.WriteString(w, "partial"); cancel(); return nil }); err == nil {
		t.Fatal("cancelled write committed")
	}
	if got := read(t, p); got != "two" {
		t.Errorf("after failures content %q, want the old file", got)
	}
	onlyFiles(t, dir, "report.json")
}

func TestWriteFileSymlink(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	ctx := context.Background()
	dir := t.TempDir()
	target := filepath.Join(dir, "real.json")
	if err := os.WriteFile(target, []byte("old"), 0o640); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink("real.json", link); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(ctx, link, nil, write("new")); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v", err)
	}
	if got := read(t, target); got != "new" {
		t.Errorf("target %q, want new", got)
	}
	if st, _ := os.Stat(target); st.Mode().Perm() != 0o640 {
		t.Errorf("target mode %v, want 0640 kept", st.Mode().Perm())
	}
	// A dangling link names the file to create.
	dangling := filepath.Join(dir, "dangling.json")
	if err := os.Symlink("made.json", dangling); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(ctx, dangling, nil, write("made")); err != nil {
		t.Fatal(err)
	}
	if got := read(t, filepath.Join(dir, "made.json")); got != "made" {
		t.Errorf("made.json %q", got)
	}
	loop := filepath.Join(dir, "loop")
	os.Symlink("loop", loop)
	if err := WriteFile(ctx, loop, nil, write("x")); err == nil || !strings.Contains(err.Error(), "symbolic links") {
		t.Errorf("link loop: err = %v", err)
	}
	onlyFiles(t, dir, "dangling.json", "link.json", "loop", "made.json", "real.json")
}

func TestWriteFileDevice(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no /dev/null")
	}
	d, err := Prepare("/dev/null", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Direct() {
		t.Fatal("/dev/null is not written directly")
	}
	if err := WriteFile(context.Background(), "/dev/null", nil, write("x")); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat("/dev/null"); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		t.Fatalf("/dev/null is no longer a device: %v %v", st.Mode(), err)
	}
	// /dev/stdout is written in place whatever it points to (a terminal, a
	// pipe, or a regular file the shell redirected to), never replaced.
	for _, p := range []string{"/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"} {
		d, err := Prepare(p, nil)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if !d.Direct() || d.tmp != nil {
			t.Errorf("%s is not written in place", p)
		}
	}
}

func TestPrepareRefuses(t *testing.T) {
	dir := t.TempDir()
	input := filepath.Join(dir, "a.json")
	if err := os.WriteFile(input, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	evidence := filepath.Join(dir, "bundle")
	if err := os.Mkdir(evidence, 0o755); err != nil {
		t.Fatal(err)
	}
	ins := NewInputs(input, evidence, filepath.Join(dir, "missing.json"))
	for _, tc := range []struct{ name, want string }{
		{dir, "is a directory"},
		{filepath.Join(dir, "nope", "r.json"), "does not exist"},
		{input, "over an input: it is the input"},
		{filepath.Join(dir, ".", "a.json"), "over an input"},
		{filepath.Join(evidence, "sitectrl.ct0"), "inside the input directory"},
		{filepath.Join(input, "x.json"), "not a directory"},
	} {
		d, err := Prepare(tc.name, ins)
		if err == nil {
			d.Abort()
			t.Errorf("Prepare(%s) accepted", tc.name)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), tc.name+":") {
			t.Errorf("Prepare(%s) = %v, want %q naming the path", tc.name, err, tc.want)
		}
	}
	if runtime.GOOS != "windows" {
		hard := filepath.Join(dir, "hard.json")
		if err := os.Link(input, hard); err == nil {
			if _, err := Prepare(hard, ins); err == nil || !strings.Contains(err.Error(), "over an input") {
				t.Errorf("hard link to an input: %v", err)
			}
		}
		if os.Geteuid() != 0 {
			ro := filepath.Join(dir, "ro")
			os.Mkdir(ro, 0o555)
			if _, err := Prepare(filepath.Join(ro, "r.json"), nil); err == nil || !strings.Contains(err.Error(), "cannot create a file in") {
				t.Errorf("read-only directory: %v", err)
			}
		}
	}
	onlyFiles(t, dir, "a.json", "bundle", "hard.json", "ro")
}

func TestSetAllOrNothing(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.sarif"), filepath.Join(dir, "b.xml")
	for _, p := range []string{a, b} {
		os.WriteFile(p, []byte("old"), 0o644)
	}
	open := func(p string) *File {
		d, err := Prepare(p, nil)
		if err != nil {
			t.Fatal(err)
		}
		f, err := d.Open(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	var s Set
	fa, fb := open(a), open(b)
	s.Add(fa)
	s.Add(fb)
	io.WriteString(fa, "new a")
	io.WriteString(fb, "new b")
	s.Abort()
	if read(t, a) != "old" || read(t, b) != "old" {
		t.Error("Abort changed a file")
	}
	onlyFiles(t, dir, "a.sarif", "b.xml")

	s = Set{}
	fa, fb = open(a), open(b)
	s.Add(fa)
	s.Add(fb)
	io.WriteString(fa, "new a")
	fb.f.Close() // b cannot be finished: neither is renamed
	if err := s.Commit(); err == nil {
		t.Fatal("Commit succeeded with a broken file")
	}
	if read(t, a) != "old" || read(t, b) != "old" {
		t.Errorf("a partial set was written: a=%q b=%q", read(t, a), read(t, b))
	}
	onlyFiles(t, dir, "a.sarif", "b.xml")

	s = Set{}
	fa, fb = open(a), open(b)
	s.Add(fa)
	s.Add(fb)
	io.WriteString(fa, "new a")
	io.WriteString(fb, "new b")
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	if read(t, a) != "new a" || read(t, b) != "new b" {
		t.Error("Commit did not write both")
	}
	onlyFiles(t, dir, "a.sarif", "b.xml")
}

// TestDestWriteBytes: WriteBytes replaces the file in one go, and a second
// write of the same destination is refused, the file keeping the first.
func TestDestWriteBytes(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "site.json")
	if err := os.WriteFile(p, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := Prepare(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.WriteBytes(context.Background(), []byte("new\n")); err != nil {
		t.Fatal(err)
	}
	if got := read(t, p); got != "new\n" {
		t.Errorf("file holds %q", got)
	}
	if err := d.WriteBytes(context.Background(), []byte("again")); err == nil || !strings.Contains(err.Error(), "already written") {
		t.Errorf("second write: err = %v", err)
	}
	if got := read(t, p); got != "new\n" {
		t.Errorf("file holds %q after the refused write", got)
	}
	onlyFiles(t, dir, "site.json")
}

// TestWriteTo: no name writes to stdout, a name atomically to that file.
func TestWriteTo(t *testing.T) {
	var stdout strings.Builder
	if err := WriteTo(context.Background(), "", &stdout, nil, write("to stdout")); err != nil || stdout.String() != "to stdout" {
		t.Errorf("stdout %q, %v", stdout.String(), err)
	}
	p := filepath.Join(t.TempDir(), "r.html")
	if err := WriteTo(context.Background(), p, &stdout, nil, write("to file")); err != nil || read(t, p) != "to file" || stdout.String() != "to stdout" {
		t.Errorf("file: %v", err)
	}
}
