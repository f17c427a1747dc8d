package safetext

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestEscape(t *testing.T) {
	for _, tc := range []struct{ in, text, line string }{
		{"plain SUP01.corp.example", "plain SUP01.corp.example", "plain SUP01.corp.example"},
		{"\x1b[2J\x1b[HALL CHECKS PASSED", `\x1b[2J\x1b[HALL CHECKS PASSED`, `\x1b[2J\x1b[HALL CHECKS PASSED`},
		{"fail\rpass", `fail\rpass`, `fail\rpass`},
		{"a\x00b\x07c\x08", `a\x00b\x07c\x08`, `a\x00b\x07c\x08`},
		{"1. one\n2.\ttwo", "1. one\n2.\ttwo", `1. one\n2.\ttwo`},
		{"del\x7f", `del\x7f`, `del\x7f`},
		{"csi\u009b31m", `csi\x9b31m`, `csi\x9b31m`},
		{"bidi \u202eevil\u2066", `bidi \u202eevil\u2066`, `bidi \u202eevil\u2066`},
		{"bad \xff\xfe utf-8", `bad \xff\xfe utf-8`, `bad \xff\xfe utf-8`},
		{"Zoë — ünïcode ✓", "Zoë — ünïcode ✓", "Zoë — ünïcode ✓"},
		{"sep\u2028x", `sep\u2028x`, `sep\u2028x`},
	} {
		if got := Text(tc.in); got != tc.text {
			t.Errorf("Text(%q) = %q, want %q", tc.in, got, tc.text)
		}
		if got := Line(tc.in); got != tc.line {
			t.Errorf("Line(%q) = %q, want %q", tc.in, got, tc.line)
		}
		if Unsafe(tc.in) != (tc.in != tc.line) {
			t.Errorf("Unsafe(%q) = %t", tc.in, Unsafe(tc.in))
		}
	}
}

func TestNoAllocWhenClean(t *testing.T) {
	s := strings.Repeat("SUP-06 SMS01.corp.example has WSUS 2.0 ", 20)
	if n := testing.AllocsPerRun(100, func() { _ = Line(s) }); n != 0 {
		t.Errorf("Line on clean text: %.0f allocs, want 0", n)
	}
}

func TestWriter(t *testing.T) {
	var b bytes.Buffer
	w := NewWriter(&b)
	n, err := w.Write([]byte("supaudit: snapshot \x1b]0;pwned\x07: bad\n"))
	if err != nil || n != 35 {
		t.Fatalf("Write = %d, %v", n, err)
	}
	if got := b.String(); got != "supaudit: snapshot \\x1b]0;pwned\\x07: bad\n" {
		t.Errorf("got %q", got)
	}
}

func FuzzLine(f *testing.F) {
	f.Add("\x1b[31mred\r\n")
	f.Add(strings.Repeat("\x00é\u202e", 400_000)) // over 1 MiB
	f.Fuzz(func(t *testing.T, s string) {
		out := Line(s)
		if !utf8.ValidString(out) {
			t.Fatalf("Line(%q) is not valid UTF-8", s)
		}
		for _, r := range out {
			if unsafeRune(r, true) {
				t.Fatalf("Line(%q) = %q keeps %U", s, out, r)
			}
		}
		if txt := Text(s); strings.ContainsAny(txt, "\x1b\r\x00") {
			t.Fatalf("Text(%q) keeps a control character", s)
		}
	})
}
