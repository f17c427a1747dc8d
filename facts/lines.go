package facts

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// FactLines maps every member of a snapshot's JSON to the 1-based line of
// its key, by the names the policies' evidence uses: members joined with
// ".", elements of servers by fqdn and of ports by port
// ("servers[SUP01.corp.example].ports[8530].reachable"), other array
// elements by index ("answers[0]"). Reports use it to point at the line of
// the fact that decided a result. data must be valid JSON (as Parse
// accepted it).
func FactLines(data []byte) (map[string]int, error) {
	x := &lineIndex{dec: json.NewDecoder(bytes.NewReader(data)), data: data, line: 1, out: map[string]int{}}
	x.dec.UseNumber()
	if _, _, err := x.value(x.out, ""); err != nil {
		return nil, fmt.Errorf("fact lines: %w", err)
	}
	return x.out, nil
}

type lineIndex struct {
	dec  *json.Decoder
	data []byte
	off  int64 // newlines are counted up to off
	line int
	out  map[string]int
}

// lineAt is the line of the byte at offset off (offsets only grow).
func (x *lineIndex) lineAt(off int64) int {
	if off > int64(len(x.data)) {
		off = int64(len(x.data))
	}
	if off > x.off {
		x.line += bytes.Count(x.data[x.off:off], []byte{'\n'})
		x.off = off
	}
	return x.line
}

// arrayKeys are the members that name an array's elements in fact names.
var arrayKeys = map[string]bool{"fqdn": true, "port": true}

// value reads one JSON value at path, recording its members' lines in out.
// It returns the line where the value starts and, for an object, its
// naming member (fqdn or port), if any.
func (x *lineIndex) value(out map[string]int, path string) (line int, name string, err error) {
	tok, err := x.dec.Token()
	if err != nil {
		return 0, "", err
	}
	line = x.lineAt(x.dec.InputOffset())
	d, ok := tok.(json.Delim)
	if !ok {
		return line, "", nil
	}
	if d == '{' {
		for x.dec.More() {
			kt, err := x.dec.Token()
			if err != nil {
				return 0, "", err
			}
			key, _ := kt.(string)
			child := key
			if path != "" {
				child = path + "." + key
			}
			// The offset is just past the key: its line is the key's.
			out[child] = x.lineAt(x.dec.InputOffset())
			if arrayKeys[key] && name == "" {
				tok, err := x.dec.Token()
				if err != nil {
					return 0, "", err
				}
				switch v := tok.(type) {
				case string:
					name = v
					continue
				case json.Number:
					name = v.String()
					continue
				case json.Delim: // not a scalar: read the rest of it
					if err := x.skip(out, child, v); err != nil {
						return 0, "", err
					}
					continue
				}
				continue
			}
			if _, _, err := x.value(out, child); err != nil {
				return 0, "", err
			}
		}
		_, err := x.dec.Token() // '}'
		return line, name, err
	}
	for i := 0; x.dec.More(); i++ {
		elem := map[string]int{}
		placeholder := fmt.Sprintf("%s[%d]", path, i)
		start, key, err := x.value(elem, placeholder)
		if err != nil {
			return 0, "", err
		}
		id := placeholder
		if key != "" {
			id = fmt.Sprintf("%s[%s]", path, key)
		}
		out[id] = start
		for k, v := range elem {
			out[id+strings.TrimPrefix(k, placeholder)] = v
		}
	}
	_, err = x.dec.Token() // ']'
	return line, "", err
}

// skip reads the rest of a composite value whose opening delimiter was
// read, recording its members.
func (x *lineIndex) skip(out map[string]int, path string, open json.Delim) error {
	if open != '{' && open != '[' {
		return nil
	}
	for x.dec.More() {
		if open == '{' {
			kt, err := x.dec.Token()
			if err != nil {
				return err
			}
			key, _ := kt.(string)
			out[path+"."+key] = x.lineAt(x.dec.InputOffset())
			if _, _, err := x.value(out, path+"."+key); err != nil {
				return err
			}
			continue
		}
		if _, _, err := x.value(out, path); err != nil {
			return err
		}
	}
	_, err := x.dec.Token()
	return err
}
