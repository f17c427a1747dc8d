package winrm

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"github.com/supaudit/supaudit/internal/textenc"
)

// part is one framed piece of a command's output.
type part struct {
	data    []byte
	missing bool
	why     string // why it is missing
}

// parseParts reads the framed output of a script (see scriptPrelude):
//
//	SUPAUDIT-PART <i> OK <bytes>
//	<base64 lines>
//	SUPAUDIT-END <i>
//	SUPAUDIT-PART <i> MISSING <reason>
//
// Output that ends inside a part, or whose decoded length differs from the
// announced one, is reported as truncated. Lines outside parts are ignored
// (a profile or host banner).
func parseParts(out []byte) (map[int]part, error) {
	parts := map[int]part{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	cur, want := -1, 0
	var b64 strings.Builder
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if cur >= 0 {
			if rest, ok := strings.CutPrefix(line, markEnd+" "); ok {
				if strings.TrimSpace(rest) != strconv.Itoa(cur) {
					return nil, fmt.Errorf("output part %d ends with %q: output is garbled", cur, line)
				}
				data, err := base64.StdEncoding.DecodeString(b64.String())
				if err != nil {
					return nil, fmt.Errorf("output part %d is not valid base64 (truncated or garbled): %v", cur, err)
				}
				if len(data) != want {
					return nil, fmt.Errorf("output part %d holds %d bytes, the server announced %d: truncated", cur, len(data), want)
				}
				parts[cur] = part{data: data}
				cur = -1
				b64.Reset()
				continue
			}
			b64.WriteString(strings.TrimSpace(line))
			continue
		}
		rest, ok := strings.CutPrefix(line, markPart+" ")
		if !ok {
			continue
		}
		f := strings.SplitN(rest, " ", 3)
		if len(f) < 2 {
			return nil, fmt.Errorf("bad output header %q", line)
		}
		i, err := strconv.Atoi(f[0])
		if err != nil || i < 0 || i > 64 {
			return nil, fmt.Errorf("bad output header %q", line)
		}
		switch f[1] {
		case "OK":
			n := -1
			if len(f) == 3 {
				n, err = strconv.Atoi(strings.TrimSpace(f[2]))
			}
			if err != nil || n < 0 {
				return nil, fmt.Errorf("bad output header %q", line)
			}
			cur, want = i, n
		case "MISSING":
			why := ""
			if len(f) == 3 {
				why = strings.TrimSpace(f[2])
			}
			parts[i] = part{missing: true, why: why}
		default:
			return nil, fmt.Errorf("bad output header %q", line)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading output: %v", err)
	}
	if cur >= 0 {
		return nil, fmt.Errorf("output ends inside part %d (announced %d bytes): truncated", cur, want)
	}
	return parts, nil
}

// regHeader5 is the first line of a reg.exe export.
const regHeader5 = "Windows Registry Editor Version 5.00"

// emptyRegExport is a reg.exe export holding no key: UTF-16LE with BOM,
// the header line and a blank line.
func emptyRegExport() []byte {
	return encodeUTF16LE(regHeader5 + "\r\n\r\n")
}

// encodeUTF16LE encodes s as reg.exe writes an export: UTF-16LE with BOM.
func encodeUTF16LE(s string) []byte { return textenc.EncodeUTF16LE(s, true) }

// decodeUTF16LE decodes a reg.exe export (UTF-16LE with BOM, whole code
// units); ok is false for anything else.
func decodeUTF16LE(b []byte) (string, bool) {
	if enc, n := textenc.Detect(b); enc != textenc.UTF16LE || len(b)%2 != 0 {
		return "", false
	} else {
		s, _ := textenc.UTF16(b[n:], false)
		return s, true
	}
}

// mergeRegExports merges reg.exe exports into one file: the first export
// as it is, the keys of each further one appended without its header
// line. reg.exe writes UTF-16LE with a BOM; an export in another encoding
// cannot be merged and is reported.
func mergeRegExports(exports [][]byte) ([]byte, error) {
	if len(exports) == 1 {
		return exports[0], nil
	}
	var b strings.Builder
	for i, e := range exports {
		s, ok := decodeUTF16LE(e)
		if !ok {
			return exports[0], fmt.Errorf("export %d is not UTF-16LE with a byte order mark; only the first export is kept", i+1)
		}
		if i > 0 {
			if _, body, found := strings.Cut(s, "\n"); found && strings.HasPrefix(strings.TrimSpace(s), "Windows Registry Editor") {
				s = body
			}
			if !strings.HasSuffix(b.String(), "\r\n\r\n") {
				b.WriteString("\r\n")
			}
		}
		b.WriteString(s)
	}
	return encodeUTF16LE(b.String()), nil
}
