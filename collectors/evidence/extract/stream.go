package extract

import (
	"fmt"
	"io"
)

// openStream opens e for reading as a stream, within the same per-file and
// per-server caps as readAll: the bytes are counted as they are read, and
// the reader fails with an error naming the file once a cap is passed.
// Logs are read this way, so that memory does not grow with their size.
func (ev *Evidence) openStream(e *Entry) (io.ReadCloser, error) {
	maxFile := ev.opts.MaxFile()
	if e.size > maxFile {
		return nil, fmt.Errorf("%s: file is %d bytes, over the %d byte per-file limit", ev.source(e), e.size, maxFile)
	}
	rc, err := e.open()
	if err != nil {
		return nil, fmt.Errorf("%s: cannot open: %v", ev.source(e), err)
	}
	return &capReader{ev: ev, e: e, rc: rc, maxFile: maxFile}, nil
}

// capReader counts the bytes of one evidence file against the caps.
type capReader struct {
	ev      *Evidence
	e       *Entry
	rc      io.ReadCloser
	n       int64
	maxFile int64
}

func (r *capReader) Read(p []byte) (int, error) {
	n, err := r.rc.Read(p)
	r.n += int64(n)
	r.ev.read += int64(n)
	if r.n > r.maxFile {
		return n, fmt.Errorf("%s: file is over the %d byte per-file limit", r.ev.source(r.e), r.maxFile)
	}
	if r.ev.read > r.ev.opts.MaxTotal() {
		return n, fmt.Errorf("%s: the server's evidence is over the %d byte total limit", r.ev.source(r.e), r.ev.opts.MaxTotal())
	}
	if err != nil && err != io.EOF {
		return n, fmt.Errorf("%s: cannot read: %v", r.ev.source(r.e), err)
	}
	return n, err
}

func (r *capReader) Close() error { return r.rc.Close() }
