package textenc

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"
	"unicode/utf16"
)

func le(s string) []byte {
	b := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return b
}

func TestNewReader(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"utf16le with surrogate pair", le("a𝄞€b"), "a𝄞€b"},
		{"utf16be", []byte{0xFE, 0xFF, 0, 'h', 0, 'i'}, "hi"},
		{"utf8 bom stripped", []byte("\xEF\xBB\xBFok"), "ok"},
		{"no bom passthrough", []byte("\x80plain"), "\x80plain"},
		{"odd trailing byte", append(le("x"), 'y'), "x\uFFFD"},
		{"lone high surrogate", []byte{0xFF, 0xFE, 0x00, 0xD8, 'a', 0}, "\uFFFDa"},
		{"short", []byte{0xFF}, "\xFF"},
		{"empty", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// OneByteReader splits surrogate pairs across reads.
			got, err := io.ReadAll(NewReader(iotest.OneByteReader(bytes.NewReader(tt.in))))
			if err != nil || string(got) != tt.want {
				t.Errorf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestWindows1252(t *testing.T) {
	if got := Windows1252([]byte("caf\xe9 \x80 \x93q\x94 \x81")); got != "café € “q” \u0081" {
		t.Errorf("got %q", got)
	}
}

func TestUTF16(t *testing.T) {
	s, odd := UTF16([]byte{'a', 0, 'b'}, false)
	if s != "a" || !odd {
		t.Errorf("%q %v", s, odd)
	}
}

func TestDecodeAndEncode(t *testing.T) {
	for _, tt := range []struct {
		in   []byte
		want string
	}{
		{EncodeUTF16LE("a\r\n€𝄞", true), "a\r\n€𝄞"},
		{[]byte{0xFE, 0xFF, 0, 'h', 0, 'i'}, "hi"},
		{[]byte("\xEF\xBB\xBFfqdn=x"), "fqdn=x"},
		{[]byte("plain"), "plain"},
		{nil, ""},
	} {
		if got := Decode(tt.in); got != tt.want {
			t.Errorf("Decode(% x) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := EncodeUTF16LE("hi", false); !bytes.Equal(got, []byte{'h', 0, 'i', 0}) {
		t.Errorf("no BOM: % x", got)
	}
}

func TestReadFile(t *testing.T) {
	if _, err := ReadFile(bytes.NewReader(make([]byte, 11)), 10, 99); err == nil || err.Error() != "file exceeds 10 bytes" {
		t.Fatalf("over max: %v", err)
	}
	if b, err := ReadFile(bytes.NewReader(make([]byte, 11)), 0, 20); err != nil || len(b) != 11 {
		t.Fatalf("default cap: %d, %v", len(b), err)
	}
	if _, err := ReadFile(bytes.NewReader(make([]byte, 21)), 0, 20); err == nil || err.Error() != "file exceeds 20 bytes" {
		t.Fatalf("over the default cap: %v", err)
	}
}

func TestParseError(t *testing.T) {
	cause := errors.New("disk gone")
	for _, tc := range []struct {
		err  *ParseError
		want string
	}{
		{&ParseError{File: "wsus.reg", Line: 7, Msg: "value without a key"}, "wsus.reg:7: value without a key"},
		{&ParseError{File: "WCM.log", Msg: "read", Err: cause}, "WCM.log:0: read: disk gone"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
		if tc.err.Err != nil && !errors.Is(tc.err, cause) {
			t.Errorf("%v does not unwrap to its cause", tc.err)
		}
	}
}
