package winrm

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	mzwinrm "github.com/masterzen/winrm"

	"github.com/supaudit/supaudit/collectors/evidence/regfile"
)

func TestParseParts(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     map[int]string // "" = missing
		err      string
	}{
		{name: "ok", in: "banner\r\nSUPAUDIT-PART 0 OK 5\r\naGVs\r\nbG8=\r\nSUPAUDIT-END 0\r\n", want: map[int]string{0: "hello"}},
		{name: "missing", in: "SUPAUDIT-PART 0 MISSING ERROR: unable to find\nSUPAUDIT-PART 1 OK 0\n\nSUPAUDIT-END 1\n", want: map[int]string{0: "", 1: ""}},
		{name: "cut in part", in: "SUPAUDIT-PART 0 OK 5\naGVs", err: "truncated"},
		{name: "short", in: "SUPAUDIT-PART 0 OK 9\naGVsbG8=\nSUPAUDIT-END 0\n", err: "truncated"},
		{name: "bad base64", in: "SUPAUDIT-PART 0 OK 5\naGV\nSUPAUDIT-END 0\n", err: "base64"},
		{name: "bad header", in: "SUPAUDIT-PART x OK 5\n", err: "bad output header"},
		{name: "wrong end", in: "SUPAUDIT-PART 0 OK 0\nSUPAUDIT-END 1\n", err: "garbled"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseParts([]byte(tc.in))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d parts, want %d", len(got), len(tc.want))
			}
			for i, w := range tc.want {
				if string(got[i].data) != w {
					t.Errorf("part %d = %q, want %q", i, got[i].data, w)
				}
			}
		})
	}
}

func FuzzParseParts(f *testing.F) {
	f.Add([]byte("SUPAUDIT-PART 0 OK 5\r\naGVsbG8=\r\nSUPAUDIT-END 0\r\nSUPAUDIT-PART 1 MISSING x\n"))
	f.Add([]byte("SUPAUDIT-PART 64 OK 0\n"))
	// Over 1 MiB: one large part, and many small ones.
	f.Add([]byte("SUPAUDIT-PART 0 OK 1500000\r\n" + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("x"), 1500000)) + "\r\nSUPAUDIT-END 0\r\n"))
	f.Add(bytes.Repeat([]byte("SUPAUDIT-PART 1 OK 1\r\neA==\r\nSUPAUDIT-END 1\r\n"), 40000))
	f.Fuzz(func(t *testing.T, b []byte) {
		parts, err := parseParts(b)
		if err == nil && len(parts) > 65 {
			t.Errorf("%d parts", len(parts))
		}
	})
}

// TestMergeRegExports: two reg.exe exports (64-bit and Wow6432Node views)
// merge into one file the regfile parser reads both keys from.
func TestMergeRegExports(t *testing.T) {
	a := encodeUTF16LE(regHeader5 + "\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\SMS\\Identification]\r\n\"Site Code\"=\"ABC\"\r\n\r\n")
	b := encodeUTF16LE(regHeader5 + "\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Wow6432Node\\Microsoft\\SMS\\Setup]\r\n\"Full Version\"=\"4.00.6487.2000\"\r\n\r\n")
	m, err := mergeRegExports([][]byte{a, b})
	if err != nil {
		t.Fatal(err)
	}
	f, err := regfile.ParseBytes(m, "merged.reg")
	if err != nil {
		t.Fatal(err)
	}
	if f.Key(`HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\SMS\Identification`) == nil || f.Key(`HKEY_LOCAL_MACHINE\SOFTWARE\Wow6432Node\Microsoft\SMS\Setup`) == nil {
		t.Errorf("merged export lacks a key")
	}
	if _, err := mergeRegExports([][]byte{a, []byte("REGEDIT4\r\n")}); err == nil {
		t.Errorf("an ANSI export merged without error")
	}
	e, err := regfile.ParseBytes(emptyRegExport(), "empty.reg")
	if err != nil || len(e.Keys) != 0 {
		t.Errorf("empty export: %v, %+v", err, e)
	}
	if !bytes.HasPrefix(m, []byte{0xFF, 0xFE}) {
		t.Errorf("merged export has no BOM")
	}
}

func TestRedact(t *testing.T) {
	if got := redact("bad pass p@ss in here", "p@ss"); strings.Contains(got, "p@ss") {
		t.Errorf("redact left the secret: %q", got)
	}
}

// FuzzReceiveResponse: a response the server sends never panics the
// checks and parsers a Receive goes through (collectHost would turn a
// panic into an error, but it should not need to).
func FuzzReceiveResponse(f *testing.F) {
	f.Add([]byte(`<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:rsp="http://schemas.microsoft.com/wbem/wsman/1/windows/shell"><s:Body><rsp:ReceiveResponse><rsp:Stream Name="stdout" CommandId="1">aGk=</rsp:Stream><rsp:CommandState CommandId="1" State="http://schemas.microsoft.com/wbem/wsman/1/windows/shell/CommandState/Done"><rsp:ExitCode>0</rsp:ExitCode></rsp:CommandState></rsp:ReceiveResponse></s:Body></s:Envelope>`))
	f.Add([]byte(`<s:Fault><f:WSManFault Code="2150858793"><f:Message>OperationTimeout</f:Message></f:WSManFault></s:Fault>`))
	// Over 1 MiB: a large stdout stream, deep nesting, many elements.
	f.Add([]byte(`<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:rsp="http://schemas.microsoft.com/wbem/wsman/1/windows/shell"><s:Body><rsp:ReceiveResponse><rsp:Stream Name="stdout" CommandId="1">` + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("y"), 1<<20)) + `</rsp:Stream></rsp:ReceiveResponse></s:Body></s:Envelope>`))
	f.Add([]byte(strings.Repeat("<a>", 200000) + strings.Repeat("</a>", 200000)))
	f.Add([]byte("<r>" + strings.Repeat("<a/>", 300000) + "</r>"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = faultText(b)
		if wellFormed(context.Background(), b) != nil {
			return
		}
		var out, errb capWriter
		out.max, errb.max = 1<<20, 1<<20
		_, _, _ = mzwinrm.ParseSlurpOutputErrResponse(string(b), &out, &errb)
		_, _ = mzwinrm.ParseOpenShellResponse(string(b))
		_, _ = mzwinrm.ParseExecuteCommandResponse(string(b))
	})
}

// TestParseUnderContext: a parse that does not end by itself does not
// hold the caller past its context.
func TestParseUnderContext(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	block := make(chan struct{})
	defer close(block)
	start := time.Now()
	if err := parse(ctx, func() error { <-block; return nil }); !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > time.Second {
		t.Errorf("parse = %v after %v, want the context's error at once", err, time.Since(start))
	}
	if err := parse(context.Background(), func() error { panic("boom") }); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("a panicking parser: %v", err)
	}
}
