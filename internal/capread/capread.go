// Package capread is the one capped read of supaudit: the small input files
// it takes (answers, waivers, policy parameters, inventories, JSON reports,
// snapshots), evidence files and WinRM responses are read with a size cap,
// so that a wrong path (a disk image, a log) or an endless stream is refused
// rather than read into memory. It is also the one place that refuses what
// is not a regular file: a named pipe (FIFO) or a device given as an input
// would block open or read forever, so Open stats the path first, opens
// without blocking and checks the opened file again.
package capread

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// ErrTooLarge is wrapped by the error for a file over the cap.
var ErrTooLarge = errors.New("file too large")

// ErrNotRegular is wrapped by the error for a path that names something
// other than a regular file (or a symbolic link to one).
var ErrNotRegular = errors.New("not a regular file")

type tooLarge struct{ max int64 }

func (e tooLarge) Error() string        { return fmt.Sprintf("larger than %d bytes", e.max) }
func (e tooLarge) Is(target error) bool { return target == ErrTooLarge }

// NotRegularError says what a path that is not a regular file is.
type NotRegularError struct {
	Path string
	Mode fs.FileMode
}

func (e *NotRegularError) Error() string {
	return fmt.Sprintf("%s is %s, not a regular file", e.Path, Kind(e.Mode))
}

// Is makes the error match ErrNotRegular.
func (e *NotRegularError) Is(target error) bool { return target == ErrNotRegular }

// Kind names the type of a file mode in words: "a directory", "a named
// pipe (FIFO)", "a device", "a socket", "a regular file".
func Kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m&fs.ModeIrregular != 0:
		return "an irregular file"
	case m.IsRegular():
		return "a regular file"
	}
	return "not a regular file"
}

// Regular returns nil when path names a regular file (following symbolic
// links), a *NotRegularError when it names anything else, and the os
// package's error (naming the path) when it cannot be stat'ed.
func Regular(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return &NotRegularError{Path: path, Mode: st.Mode()}
	}
	return nil
}

// Open opens the regular file at path for reading. Anything else is
// refused with a *NotRegularError before it is opened, and the open does
// not block (a FIFO swapped in after the check is refused too).
func Open(path string) (*os.File, error) {
	if err := Regular(path); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDONLY|openFlags, 0)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, &NotRegularError{Path: path, Mode: st.Mode()}
	}
	return f, nil
}

// File reads the regular file at path if it holds at most max bytes. An
// open or read error is returned as the os package gives it (it names the
// path); a path that is not a regular file gives a *NotRegularError; a
// larger file gives an error reading "larger than MAX bytes" that matches
// ErrTooLarge. Callers prefix the errors with what the file is.
func File(path string, max int64) ([]byte, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Read(f, max)
}

// Read reads r to its end if it holds at most max bytes. A read error is
// returned as it is; more than max bytes give an error reading "larger
// than MAX bytes" that matches ErrTooLarge (at most max+1 bytes are read).
func Read(r io.Reader, max int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, tooLarge{max}
	}
	return data, nil
}
