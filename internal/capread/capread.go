// Package capread is the one capped read of supaudit: the small input files
// it takes (answers, waivers, policy parameters, inventories, JSON reports,
// snapshots), evidence files and WinRM responses are read with a size cap,
// so that a wrong path (a disk image, a log) or an endless stream is refused
// rather than read into memory.
package capread

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// ErrTooLarge is wrapped by the error for a file over the cap.
var ErrTooLarge = errors.New("file too large")

type tooLarge struct{ max int64 }

func (e tooLarge) Error() string        { return fmt.Sprintf("larger than %d bytes", e.max) }
func (e tooLarge) Is(target error) bool { return target == ErrTooLarge }

// File reads the file at path if it holds at most max bytes. An open or
// read error is returned as the os package gives it (it names the path);
// a larger file gives an error reading "larger than MAX bytes" that
// matches ErrTooLarge. Callers prefix the errors with what the file is.
func File(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
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
