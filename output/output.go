// Package output writes the files a run produces (reports, snapshots,
// bundles' files) without destroying what it does not own.
//
//   - A regular file, or a path that does not exist yet, is written through a
//     temporary file in its own directory and renamed into place only when
//     the whole content is written (Commit), so that a failed or
//     interrupted run never leaves a partial file and keeps the old one.
//   - A symbolic link is resolved first: the file it points to is replaced,
//     the link stays, and an existing target's permission bits are kept.
//   - Anything else (a character device such as /dev/null, a FIFO,
//     /dev/stdout) is opened and written in place.
//   - A directory, a missing parent directory, a place where the program
//     cannot create a file, and a path that is one of the run's inputs (or
//     inside an input directory) are refused by Prepare, before any work.
//
// Errors name the path as the user gave it.
package output

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// newFileMode is the mode of a file that did not exist before.
const newFileMode fs.FileMode = 0o644

// maxLinks bounds symbolic-link resolution (as Linux's ELOOP does).
const maxLinks = 40

// Inputs are the files and directories a run reads; Prepare refuses to
// write over any of them.
type Inputs struct {
	files []fs.FileInfo
	names []string
	dirs  []string // absolute, symlinks resolved
}

// NewInputs records the inputs among paths (files or directories). Paths
// that do not exist are ignored: they are not read.
func NewInputs(paths ...string) *Inputs {
	in := &Inputs{}
	in.Add(paths...)
	return in
}

// Add records more inputs.
func (in *Inputs) Add(paths ...string) {
	for _, p := range paths {
		if p == "" {
			continue
		}
		st, err := os.Stat(p)
		if err != nil {
			continue
		}
		if st.IsDir() {
			if abs, err := canonical(p); err == nil {
				in.dirs = append(in.dirs, abs)
			}
			continue
		}
		in.files = append(in.files, st)
		in.names = append(in.names, p)
	}
}

// conflict says which input path would be overwritten, or "".
func (in *Inputs) conflict(target string, st fs.FileInfo) string {
	if in == nil {
		return ""
	}
	if st != nil {
		for i, f := range in.files {
			if os.SameFile(f, st) {
				return "it is the input " + in.names[i]
			}
		}
	}
	abs, err := canonical(target)
	if err != nil {
		return ""
	}
	for _, d := range in.dirs {
		if rel, err := filepath.Rel(d, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return "it is inside the input directory " + d
		}
	}
	return ""
}

// canonical is the absolute path of p with the symbolic links of its
// existing parent resolved.
func canonical(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		return r, nil
	}
	dir, err := filepath.EvalSymlinks(filepath.Dir(abs))
	if err != nil {
		return abs, nil
	}
	return filepath.Join(dir, filepath.Base(abs)), nil
}

// Dest is a checked destination, ready to be created.
type Dest struct {
	// Name is the path as the user gave it.
	Name string
	// path is where the content goes (symbolic links resolved).
	path   string
	direct bool
	mode   fs.FileMode
	tmp    *os.File
}

// Path is the file that will be written (Name with symbolic links
// resolved).
func (d *Dest) Path() string { return d.path }

// Direct reports whether the destination is written in place (a device, a
// FIFO) rather than atomically.
func (d *Dest) Direct() bool { return d.direct }

// Prepare checks that name can be written without harm and, for a file
// written atomically, creates its temporary file now, so that a place
// where no file can be created is found before the run does any work. The
// caller must Commit or Abort the file it Opens, or Abort the Dest.
func Prepare(name string, inputs *Inputs) (*Dest, error) {
	if name == "" {
		return nil, errors.New("empty output path")
	}
	d := &Dest{Name: name, mode: newFileMode}
	if isSpecialName(name) {
		d.path, d.direct = name, true
		return d, nil
	}
	path, st, err := resolve(name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	d.path = path
	if why := inputs.conflict(path, st); why != "" {
		return nil, fmt.Errorf("%s: refusing to write the output over an input: %s", name, why)
	}
	if st != nil {
		switch m := st.Mode(); {
		case m.IsDir():
			return nil, fmt.Errorf("%s: is a directory; give a file name", name)
		case m.IsRegular():
			d.mode = m.Perm()
		case m&(fs.ModeCharDevice|fs.ModeNamedPipe) != 0, m&fs.ModeDevice != 0 && runtime.GOOS == "windows":
			d.direct = true
			return d, nil
		default:
			return nil, fmt.Errorf("%s: is not a regular file, a device or a FIFO (%s)", name, m.Type())
		}
	}
	dir := filepath.Dir(path)
	dst, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%s: the directory %s does not exist", name, dir)
	case err != nil:
		return nil, fmt.Errorf("%s: %w", name, err)
	case !dst.IsDir():
		return nil, fmt.Errorf("%s: %s is not a directory", name, dir)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("%s: cannot create a file in %s: %w", name, dir, unwrapPath(err))
	}
	d.tmp = tmp
	return d, nil
}

// isSpecialName reports the paths that name a process's streams or
// devices (/dev/stdout, /dev/fd/1, /proc/self/fd/1, /dev/null): they are
// written in place, never replaced, whatever they point to.
func isSpecialName(name string) bool {
	if runtime.GOOS == "windows" {
		return false
	}
	c := filepath.Clean(name)
	return strings.HasPrefix(c, "/dev/") || strings.HasPrefix(c, "/proc/")
}

// resolve follows symbolic links from name to the file they point to,
// which may not exist yet (a dangling link names the file to create). st
// is the final file's information, nil when it does not exist.
func resolve(name string) (string, fs.FileInfo, error) {
	p := name
	for range maxLinks {
		st, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return p, nil, nil
		}
		if err != nil {
			return "", nil, unwrapPath(err)
		}
		if st.Mode()&fs.ModeSymlink == 0 {
			return p, st, nil
		}
		target, err := os.Readlink(p)
		if err != nil {
			return "", nil, unwrapPath(err)
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(p), target)
		}
		p = target
	}
	return "", nil, fmt.Errorf("more than %d symbolic links", maxLinks)
}

// unwrapPath drops the *PathError's path (a temporary or resolved name
// the user did not give) and keeps the reason.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Abort removes the temporary file of a destination that will not be
// written. It is safe to call more than once, and after Open.
func (d *Dest) Abort() {
	if d == nil || d.tmp == nil {
		return
	}
	d.tmp.Close()
	os.Remove(d.tmp.Name())
	d.tmp = nil
}

// File is an output being written.
type File struct {
	d *Dest
	f *os.File
}

// Open starts writing the destination. A direct destination is opened
// here (opening a FIFO waits for its reader, or for ctx).
func (d *Dest) Open(ctx context.Context) (*File, error) {
	if !d.direct {
		if d.tmp == nil {
			return nil, fmt.Errorf("%s: already written or aborted", d.Name)
		}
		return &File{d: d, f: d.tmp}, nil
	}
	type res struct {
		f   *os.File
		err error
	}
	ch := make(chan res, 1)
	go func() {
		flag := os.O_WRONLY
		if isSpecialName(d.Name) {
			flag |= os.O_APPEND // a regular file behind /dev/stdout: after what the shell wrote
		}
		f, err := os.OpenFile(d.path, flag, 0)
		ch <- res{f, err}
	}()
	select {
	case r := <-ch:
		if r.err != nil {
			return nil, fmt.Errorf("%s: %w", d.Name, unwrapPath(r.err))
		}
		return &File{d: d, f: r.f}, nil
	case <-ctx.Done():
		go func() { // the open completes when a reader comes; close it then
			if r := <-ch; r.f != nil {
				r.f.Close()
			}
		}()
		return nil, fmt.Errorf("%s: %w", d.Name, ctx.Err())
	}
}

// Write implements io.Writer.
func (f *File) Write(p []byte) (int, error) {
	n, err := f.f.Write(p)
	if err != nil {
		err = fmt.Errorf("write %s: %w", f.d.Name, unwrapPath(err))
	}
	return n, err
}

var _ io.Writer = (*File)(nil)

// finish flushes and closes the temporary file, ready to be renamed.
func (f *File) finish() error {
	if f.d.direct {
		return f.close()
	}
	if err := f.f.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", f.d.Name, unwrapPath(err))
	}
	if err := f.f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", f.d.Name, unwrapPath(err))
	}
	if err := os.Chmod(f.f.Name(), f.d.mode); err != nil {
		return fmt.Errorf("write %s: %w", f.d.Name, unwrapPath(err))
	}
	return nil
}

func (f *File) close() error {
	if err := f.f.Close(); err != nil && !errors.Is(err, os.ErrClosed) {
		return fmt.Errorf("write %s: %w", f.d.Name, unwrapPath(err))
	}
	return nil
}

// rename puts the finished temporary file in place.
func (f *File) rename() error {
	if f.d.direct {
		return nil
	}
	tmp := f.f.Name()
	if err := os.Rename(tmp, f.d.path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", f.d.Name, unwrapPath(err))
	}
	f.d.tmp = nil
	return nil
}

// Commit finishes the file: a temporary file is synced and renamed over
// the destination; a direct destination is closed.
func (f *File) Commit() error {
	if err := f.finish(); err != nil {
		f.Abort()
		return err
	}
	return f.rename()
}

// Abort discards what was written: the temporary file is removed and the
// destination keeps its old content (a direct destination is closed; what
// was written to it stays written).
func (f *File) Abort() {
	if f.d.direct {
		f.close()
		return
	}
	f.d.Abort()
}

// WriteBytes writes data to the destination and commits it: Open, Write
// and Commit in one. A failed write leaves the old file.
func (d *Dest) WriteBytes(ctx context.Context, data []byte) error {
	f, err := d.Open(ctx)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Abort()
		return err
	}
	return f.Commit()
}

// Set is the outputs of one run, written all or none: Commit renames them
// into place only once every one of them is complete.
type Set struct {
	files []*File
}

// Add adds an opened file to the set.
func (s *Set) Add(f *File) { s.files = append(s.files, f) }

// Commit finishes every file and then renames each into place. If any file
// cannot be finished, none is renamed and every temporary file is removed.
func (s *Set) Commit() error {
	for _, f := range s.files {
		if err := f.finish(); err != nil {
			s.Abort()
			return err
		}
	}
	var errs []error
	for _, f := range s.files {
		if err := f.rename(); err != nil {
			errs = append(errs, err)
		}
	}
	s.files = nil
	return errors.Join(errs...)
}

// Abort discards every file of the set.
func (s *Set) Abort() {
	for _, f := range s.files {
		f.Abort()
	}
	s.files = nil
}

// WriteTo writes the output of fn to the file name (WriteFile) or, when
// name is "", straight to stdout.
func WriteTo(ctx context.Context, name string, stdout io.Writer, inputs *Inputs, fn func(w io.Writer) error) error {
	if name == "" {
		return fn(stdout)
	}
	return WriteFile(ctx, name, inputs, fn)
}

// WriteFile writes the output of fn to name (see the package comment):
// the one-file form of Prepare, Open and Commit. A failing fn, or a
// cancelled ctx, leaves the old file.
func WriteFile(ctx context.Context, name string, inputs *Inputs, fn func(w io.Writer) error) error {
	d, err := Prepare(name, inputs)
	if err != nil {
		return err
	}
	f, err := d.Open(ctx)
	if err != nil {
		d.Abort()
		return err
	}
	if err := fn(f); err != nil {
		f.Abort()
		return err
	}
	if err := ctx.Err(); err != nil {
		f.Abort()
		return fmt.Errorf("%s: not written: %w", name, err)
	}
	return f.Commit()
}
