package textenc

import "fmt"

// ParseError is an error tied to a line of a named evidence file. Each
// parser package exposes it as its own ParseError (a type alias), so that
// errors.As works with either name.
type ParseError struct {
	// File is the name given to the parser.
	File string
	// Line is the 1-based line, or 0 when the file as a whole is at fault.
	Line int
	// Msg describes the problem.
	Msg string
	// Err is the underlying error, if any (for example a read error).
	Err error
}

// Error formats the error as "file:line: msg", followed by ": err" when
// there is an underlying error.
func (e *ParseError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s:%d: %s: %v", e.File, e.Line, e.Msg, e.Err)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// Unwrap returns the underlying error, if any.
func (e *ParseError) Unwrap() error { return e.Err }

// Options tunes a parser's ParseWithOptions; each parser package exposes it
// as its own Options.
type Options struct {
	// MaxFileSize caps the bytes read; 0 means the parser's
	// DefaultMaxFileSize.
	MaxFileSize int64
}
