// Package safetext makes text from outside the program (snapshot ids,
// host names, certificate subjects, server fault text, file names) safe to
// show to a person: control characters are written as visible escapes, so
// that an input cannot move the cursor, clear the screen, rewrite a line
// with a carriage return or hide text from the reader.
//
// Every human-readable output (the table, Markdown, HTML, GitHub workflow
// commands, messages on standard error) passes values through Text or
// Line. Machine formats (JSON, SARIF, JUnit XML) escape by their own rules
// instead and must not use this package: their readers decode the escapes.
package safetext

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Text escapes every control character of s except newline and tab, which
// structure multi-line text (remediation steps). It returns s itself when
// there is nothing to escape.
func Text(s string) string { return escape(s, false) }

// Line escapes every control character of s, newline and tab included, for
// text that must stay on one line (a table cell, a title, a log line).
func Line(s string) string { return escape(s, true) }

// Unsafe reports whether Line(s) would change s.
func Unsafe(s string) bool { return firstUnsafe(s, true) >= 0 }

// unsafeRune reports whether r must be escaped: C0 controls (NUL, BEL,
// BS, ESC, CR, ...), DEL, C1 controls (including CSI, U+009B, which some
// terminals obey like ESC [), and the Unicode bidirectional controls that
// reorder the text shown ("Trojan Source", CVE-2021-42574). Newline and
// tab are unsafe only on one line (oneLine).
func unsafeRune(r rune, oneLine bool) bool {
	switch {
	case r == '\n' || r == '\t':
		return oneLine
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0x2028 || r == 0x2029: // line and paragraph separators
		return true
	}
	return false
}

// firstUnsafe is the byte index of the first rune to escape (an invalid
// UTF-8 byte counts), or -1.
func firstUnsafe(s string, oneLine bool) int {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || unsafeRune(r, oneLine) {
			return i
		}
		i += size
	}
	return -1
}

func escape(s string, oneLine bool) string {
	i := firstUnsafe(s, oneLine)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case !unsafeRune(r, oneLine):
			b.WriteString(s[i : i+size])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
		i += size
	}
	return b.String()
}

// Writer escapes, with Text, everything written to W. Each Write is
// escaped on its own, so a caller writes whole messages (as fmt.Fprintf
// does); a multi-byte character split across two writes is shown as
// escaped bytes, never passed through raw.
type Writer struct {
	W io.Writer
}

// NewWriter returns a Writer on w.
func NewWriter(w io.Writer) *Writer { return &Writer{W: w} }

// Write implements io.Writer. It reports len(p) written when the escaped
// text was written in full.
func (w *Writer) Write(p []byte) (int, error) {
	s := Text(string(p))
	if _, err := io.WriteString(w.W, s); err != nil {
		return 0, err
	}
	return len(p), nil
}
