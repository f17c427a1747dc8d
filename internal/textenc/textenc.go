// Package textenc is the one text-decoding package of supaudit, shared by
// the evidence parsers, the evidence extractor and the WinRM collector:
// byte-order-mark detection, UTF-16 decoding (in memory and streaming) and
// encoding, Windows-1252 decoding, and the parsers' capped file read. Stdlib
// and internal/capread only.
//
// ConfigMgr and regedit write some files as UTF-16LE with a BOM (regedit
// "Windows Registry Editor Version 5.00" exports; some ConfigMgr logs), and
// REGEDIT4 exports in the ANSI code page (Windows-1252 on western systems).
package textenc

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/supaudit/supaudit/internal/capread"
)

// Encoding identifies the text encoding found by Detect.
type Encoding int

// Encodings recognised by Detect.
const (
	// Unknown means no BOM was found; the caller decides (UTF-8 or ANSI).
	Unknown Encoding = iota
	// UTF8BOM means the data started with EF BB BF.
	UTF8BOM
	// UTF16LE means the data started with FF FE.
	UTF16LE
	// UTF16BE means the data started with FE FF.
	UTF16BE
)

// Detect reports the encoding signalled by a byte-order mark at the start of
// b and the length of that mark.
func Detect(b []byte) (Encoding, int) {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		return UTF8BOM, 3
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return UTF16LE, 2
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return UTF16BE, 2
	}
	return Unknown, 0
}

// UTF16 decodes UTF-16 code units from b (little-endian unless be is set)
// into a UTF-8 string. Unpaired surrogates become U+FFFD; a trailing odd
// byte is dropped and reported via odd.
func UTF16(b []byte, be bool) (s string, odd bool) {
	n := len(b) / 2
	u := make([]uint16, n)
	for i := 0; i < n; i++ {
		if be {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		} else {
			u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
		}
	}
	return string(utf16.Decode(u)), len(b)%2 == 1
}

// cp1252 maps bytes 0x80-0x9F of Windows-1252 to Unicode. Undefined
// positions (0x81, 0x8D, 0x8F, 0x90, 0x9D) map to the C1 control with the
// same value, as Windows' MultiByteToWideChar does.
// Source: the Unicode consortium mapping file
// https://www.unicode.org/Public/MAPPINGS/VENDORS/MICSFT/WINDOWS/CP1252.TXT
var cp1252 = [32]rune{
	0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
	0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
}

// Windows1252 decodes b as Windows-1252: 0x00-0x7F and 0xA0-0xFF are
// identical to Latin-1, 0x80-0x9F use the cp1252 table above.
func Windows1252(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b))
	for _, c := range b {
		switch {
		case c < 0x80:
			sb.WriteByte(c)
		case c < 0xA0:
			sb.WriteRune(cp1252[c-0x80])
		default:
			sb.WriteRune(rune(c))
		}
	}
	return sb.String()
}

// NewReader returns a reader that yields UTF-8. It inspects the first bytes
// of r: a UTF-16LE/BE BOM switches to streaming UTF-16 decoding, a UTF-8 BOM
// is stripped, anything else is passed through unchanged.
func NewReader(r io.Reader) io.Reader {
	var head [3]byte
	n, _ := io.ReadFull(r, head[:])
	enc, bom := Detect(head[:n])
	rest := io.MultiReader(bytes.NewReader(head[bom:n]), r)
	switch enc {
	case UTF16LE:
		return &utf16Reader{r: rest}
	case UTF16BE:
		return &utf16Reader{r: rest, be: true}
	}
	return rest
}

// utf16Reader transcodes a UTF-16 byte stream to UTF-8 on the fly.
type utf16Reader struct {
	r    io.Reader
	be   bool
	in   [16 << 10]byte
	nin  int    // bytes pending in in
	out  []byte // encoded UTF-8 not yet returned
	hi   uint16 // pending high surrogate, 0 if none
	err  error
	done bool
}

func (u *utf16Reader) Read(p []byte) (int, error) {
	for len(u.out) == 0 {
		if u.done {
			return 0, u.err
		}
		n, err := u.r.Read(u.in[u.nin:])
		u.nin += n
		u.decode()
		if err != nil {
			u.done = true
			u.err = err
			if u.hi != 0 {
				u.out = utf8.AppendRune(u.out, utf8.RuneError)
				u.hi = 0
			}
			if u.nin == 1 { // odd trailing byte
				u.out = utf8.AppendRune(u.out, utf8.RuneError)
				u.nin = 0
			}
		}
	}
	n := copy(p, u.out)
	u.out = u.out[n:]
	if len(u.out) == 0 {
		u.out = u.out[:0:0]
	}
	return n, nil
}

func (u *utf16Reader) decode() {
	i := 0
	for ; i+1 < u.nin; i += 2 {
		var c uint16
		if u.be {
			c = uint16(u.in[i])<<8 | uint16(u.in[i+1])
		} else {
			c = uint16(u.in[i]) | uint16(u.in[i+1])<<8
		}
		switch {
		case c >= 0xD800 && c < 0xDC00:
			if u.hi != 0 {
				u.out = utf8.AppendRune(u.out, utf8.RuneError)
			}
			u.hi = c
		case c >= 0xDC00 && c < 0xE000:
			if u.hi != 0 {
				u.out = utf8.AppendRune(u.out, utf16.DecodeRune(rune(u.hi), rune(c)))
				u.hi = 0
			} else {
				u.out = utf8.AppendRune(u.out, utf8.RuneError)
			}
		default:
			if u.hi != 0 {
				u.out = utf8.AppendRune(u.out, utf8.RuneError)
				u.hi = 0
			}
			u.out = utf8.AppendRune(u.out, rune(c))
		}
	}
	u.nin = copy(u.in[:], u.in[i:u.nin])
}

// ReadFile reads a whole evidence file from r for a parser: max caps it
// (def when max <= 0). Its errors read "read: ..." or "file exceeds N
// bytes"; parsers wrap them in a ParseError.
func ReadFile(r io.Reader, max, def int64) ([]byte, error) {
	if max <= 0 {
		max = def
	}
	data, err := capread.Read(r, max)
	if errors.Is(err, capread.ErrTooLarge) {
		return nil, fmt.Errorf("file exceeds %d bytes", max)
	}
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	return data, nil
}

// Decode turns a small text file into a string: a UTF-16 (LE or BE) or
// UTF-8 byte-order mark is honoured and removed; anything else is taken as
// UTF-8 as it is.
func Decode(b []byte) string {
	switch enc, n := Detect(b); enc {
	case UTF16LE, UTF16BE:
		s, _ := UTF16(b[n:], enc == UTF16BE)
		return s
	case UTF8BOM:
		return string(b[n:])
	}
	return string(b)
}

// EncodeUTF16LE encodes s as UTF-16 little endian, with the byte-order mark
// FF FE first when bom is set (as regedit writes a version 5 export;
// PowerShell's -EncodedCommand takes the bytes without it).
func EncodeUTF16LE(s string, bom bool) []byte {
	u := utf16.Encode([]rune(s))
	out := make([]byte, 0, 2+2*len(u))
	if bom {
		out = append(out, 0xFF, 0xFE)
	}
	for _, r := range u {
		out = append(out, byte(r), byte(r>>8))
	}
	return out
}
