// Package winrmtest is a WS-Management (WinRM) responder for tests: an
// httptest server on 127.0.0.1 that speaks the Windows Remote Shell
// envelopes (Create shell, Command, Receive with base64 stdout streams and
// CommandState Running/Done, Signal, Delete) and answers the evidence
// commands of winrm.Commands with the files of one server folder of an
// evidence bundle, framed as the real scripts frame them. Faults can be
// injected: authentication failure, a Receive that never answers, cut
// HTTP bodies, truncated or oversized command output, an OperationTimeout
// fault before the output.
package winrmtest

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/supaudit/supaudit/collectors/winrm"
)

// Config says how the responder behaves.
type Config struct {
	// Dir is one server's evidence folder (as in fixtures/bundles/*/X).
	Dir string
	// User and Password are the only credentials accepted (Basic).
	User, Password string
	// Addr is the address to listen on (default 127.0.0.1:0); other
	// loopback addresses let several responders share one port.
	Addr string
	// TLS starts an HTTPS server (its certificate: Server.Certificate()).
	TLS bool
	// Stall names a bundle file whose command's Receive never answers
	// (until the client gives up).
	Stall string
	// CutBody names a bundle file whose Receive response body is cut in
	// the middle of the XML.
	CutBody string
	// Truncate names a bundle file whose command output loses its end.
	Truncate string
	// RegFail names a registry export whose reg.exe fails (access denied).
	RegFail string
	// Oversize names a bundle file whose command writes OversizeBytes of
	// output.
	Oversize      string
	OversizeBytes int
	// TimeoutFirst answers the first Receive of every command with the
	// WS-Management OperationTimeout fault, as Windows does when no
	// output is ready within the OperationTimeout.
	TimeoutFirst bool
	// Chunk is the stdout bytes per Receive response (default 6000).
	Chunk int
}

// Responder is a running test responder.
type Responder struct {
	*httptest.Server
	cfg Config

	mu       sync.Mutex
	actions  map[string]int
	commands map[string]*command
	stalled  chan struct{}
}

type command struct {
	file     string
	out      []byte
	sent     int
	receives int
}

// New starts a responder for t; it stops when t ends.
func New(t testing.TB, cfg Config) *Responder {
	t.Helper()
	if cfg.Chunk <= 0 {
		cfg.Chunk = 6000
	}
	r := &Responder{cfg: cfg, actions: map[string]int{}, commands: map[string]*command{}, stalled: make(chan struct{})}
	r.Server = httptest.NewUnstartedServer(r)
	if cfg.Addr != "" {
		l, err := net.Listen("tcp", cfg.Addr)
		if err != nil {
			t.Fatalf("winrmtest: listen on %s: %v", cfg.Addr, err)
		}
		r.Server.Listener.Close()
		r.Server.Listener = l
	}
	r.Server.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are expected
	if cfg.TLS {
		r.Server.StartTLS()
	} else {
		r.Server.Start()
	}
	t.Cleanup(func() {
		close(r.stalled)
		r.Server.Close()
	})
	return r
}

// HostPort is the responder's 127.0.0.1:port.
func (r *Responder) HostPort() string {
	return strings.TrimPrefix(strings.TrimPrefix(r.URL, "https://"), "http://")
}

// CAPEM is the PEM of the HTTPS server's certificate.
func (r *Responder) CAPEM() []byte {
	c := r.Certificate()
	if c == nil {
		return nil
	}
	var b bytes.Buffer
	b.WriteString("-----BEGIN CERTIFICATE-----\n")
	enc := base64.StdEncoding.EncodeToString(c.Raw)
	for len(enc) > 64 {
		b.WriteString(enc[:64] + "\n")
		enc = enc[64:]
	}
	b.WriteString(enc + "\n-----END CERTIFICATE-----\n")
	return b.Bytes()
}

// Actions returns how often each WS-Management action (its last URI
// segment: Create, Command, Receive, Signal, Delete) was requested.
func (r *Responder) Actions() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]int{}
	for k, v := range r.actions {
		out[k] = v
	}
	return out
}

type envelope struct {
	Header struct {
		Action    string `xml:"Action"`
		MessageID string `xml:"MessageID"`
		Selectors []struct {
			Name  string `xml:"Name,attr"`
			Value string `xml:",chardata"`
		} `xml:"SelectorSet>Selector"`
	} `xml:"Header"`
	Body struct {
		Command string `xml:"CommandLine>Command"`
		Receive struct {
			Stream struct {
				CommandID string `xml:"CommandId,attr"`
			} `xml:"DesiredStream"`
		} `xml:"Receive"`
		Signal struct {
			CommandID string `xml:"CommandId,attr"`
		} `xml:"Signal"`
	} `xml:"Body"`
}

const (
	nsShell = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell"
	header  = `<s:Envelope xml:lang="en-US" xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:x="http://schemas.xmlsoap.org/ws/2004/09/transfer" xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" xmlns:rsp="http://schemas.microsoft.com/wbem/wsman/1/windows/shell" xmlns:p="http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd"><s:Header><a:Action>%s</a:Action><a:MessageID>uuid:%s</a:MessageID><a:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:To><a:RelatesTo>%s</a:RelatesTo></s:Header><s:Body>`
	footer  = `</s:Body></s:Envelope>`
)

func uuid() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := strings.ToUpper(hex.EncodeToString(b[:]))
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func (r *Responder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	u, p, ok := req.BasicAuth()
	if !ok || u != r.cfg.User || p != r.cfg.Password {
		w.Header().Set("WWW-Authenticate", `Basic realm="WSMAN"`)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if req.Method != http.MethodPost || req.URL.Path != "/wsman" {
		http.NotFound(w, req)
		return
	}
	body, err := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	if err != nil {
		return
	}
	var env envelope
	if err := xml.Unmarshal(body, &env); err != nil {
		http.Error(w, "bad envelope: "+err.Error(), http.StatusBadRequest)
		return
	}
	action := path.Base(env.Header.Action)
	r.mu.Lock()
	r.actions[action]++
	r.mu.Unlock()
	reply := func(respAction, content string) {
		w.Header().Set("Content-Type", "application/soap+xml;charset=UTF-8")
		fmt.Fprintf(w, header, respAction, uuid(), env.Header.MessageID)
		io.WriteString(w, content)
		io.WriteString(w, footer)
	}
	switch action {
	case "Create":
		id := uuid()
		reply("http://schemas.xmlsoap.org/ws/2004/09/transfer/CreateResponse",
			`<x:ResourceCreated><a:Address>`+r.URL+`/wsman</a:Address><a:ReferenceParameters><w:ResourceURI>`+nsShell+`/cmd</w:ResourceURI><w:SelectorSet><w:Selector Name="ShellId">`+id+`</w:Selector></w:SelectorSet></a:ReferenceParameters></x:ResourceCreated><rsp:Shell xmlns:rsp="`+nsShell+`"><rsp:ShellId>`+id+`</rsp:ShellId><rsp:ResourceUri>`+nsShell+`/cmd</rsp:ResourceUri><rsp:Owner>`+r.cfg.User+`</rsp:Owner><rsp:InputStreams>stdin</rsp:InputStreams><rsp:OutputStreams>stdout stderr</rsp:OutputStreams></rsp:Shell>`)
	case "Command":
		file, out := r.output(env.Body.Command)
		id := uuid()
		r.mu.Lock()
		r.commands[id] = &command{file: file, out: out}
		r.mu.Unlock()
		reply(nsShell+"/CommandResponse", `<rsp:CommandResponse><rsp:CommandId>`+id+`</rsp:CommandId></rsp:CommandResponse>`)
	case "Receive":
		id := env.Body.Receive.Stream.CommandID
		r.mu.Lock()
		c := r.commands[id]
		if c != nil {
			c.receives++
		}
		r.mu.Unlock()
		if c == nil {
			fault(w, "2150858843", "The request for the Windows Remote Shell with ShellId failed because the shell was not found on the server.")
			return
		}
		if c.file != "" && c.file == r.cfg.Stall {
			select {
			case <-req.Context().Done():
			case <-r.stalled:
			}
			return
		}
		if r.cfg.TimeoutFirst && c.receives == 1 {
			fault(w, "2150858793", "The WS-Management service cannot complete the operation within the time specified in OperationTimeout.")
			return
		}
		end := min(c.sent+r.cfg.Chunk, len(c.out))
		chunk := c.out[c.sent:end]
		c.sent = end
		var b strings.Builder
		b.WriteString(`<rsp:ReceiveResponse>`)
		if len(chunk) > 0 {
			fmt.Fprintf(&b, `<rsp:Stream Name="stdout" CommandId="%s">%s</rsp:Stream>`, id, base64.StdEncoding.EncodeToString(chunk))
		}
		if c.sent >= len(c.out) {
			fmt.Fprintf(&b, `<rsp:Stream Name="stdout" CommandId="%s" End="true"></rsp:Stream><rsp:Stream Name="stderr" CommandId="%s" End="true"></rsp:Stream>`, id, id)
			fmt.Fprintf(&b, `<rsp:CommandState CommandId="%s" State="%s/CommandState/Done"><rsp:ExitCode>0</rsp:ExitCode></rsp:CommandState>`, id, nsShell)
		} else {
			fmt.Fprintf(&b, `<rsp:CommandState CommandId="%s" State="%s/CommandState/Running"></rsp:CommandState>`, id, nsShell)
		}
		b.WriteString(`</rsp:ReceiveResponse>`)
		if c.file != "" && c.file == r.cfg.CutBody {
			// Announce the whole body, send half of it, close.
			full := fmt.Sprintf(header, nsShell+"/ReceiveResponse", uuid(), env.Header.MessageID) + b.String() + footer
			w.Header().Set("Content-Type", "application/soap+xml;charset=UTF-8")
			w.Header().Set("Content-Length", fmt.Sprint(len(full)))
			io.WriteString(w, full[:len(full)/2])
			return
		}
		reply(nsShell+"/ReceiveResponse", b.String())
	case "Signal":
		reply(nsShell+"/SignalResponse", `<rsp:SignalResponse/>`)
	case "Delete":
		reply("http://schemas.xmlsoap.org/ws/2004/09/transfer/DeleteResponse", "")
	default:
		fault(w, "2150858817", "The action is not supported by the service.")
	}
}

func fault(w http.ResponseWriter, code, msg string) {
	w.Header().Set("Content-Type", "application/soap+xml;charset=UTF-8")
	w.WriteHeader(http.StatusInternalServerError)
	fmt.Fprintf(w, header, "http://schemas.dmtf.org/wbem/wsman/1/wsman/fault", uuid(), "")
	fmt.Fprintf(w, `<s:Fault><s:Code><s:Value>s:Receiver</s:Value><s:Subcode><s:Value>w:TimedOut</s:Value></s:Subcode></s:Code><s:Reason><s:Text xml:lang="en-US">%s</s:Text></s:Reason><s:Detail><f:WSManFault xmlns:f="http://schemas.microsoft.com/wbem/wsman/1/wsmanfault" Code="%s" Machine="127.0.0.1"><f:Message>%s</f:Message></f:WSManFault></s:Detail></s:Fault>`, msg, code, msg)
	io.WriteString(w, footer)
}

// output answers a command line: the framed evidence of the matching
// winrm.Commands entry, from the responder's folder.
func (r *Responder) output(line string) (string, []byte) {
	for _, c := range winrm.Commands {
		if c.CommandLine() != line {
			continue
		}
		var files []string
		switch c.Kind {
		case winrm.KindIdentity:
			return "", frame(0, []byte(r.fqdn()))
		case winrm.KindCert:
			files = []string{r.find("certs"), r.find("certs/roots")}
		default:
			files = []string{r.path(c.Files[0])}
		}
		var out []byte
		n := 1
		if c.Kind == winrm.KindRegExport {
			n = len(c.Keys)
		} else if c.Kind == winrm.KindCert {
			n = 2
		}
		for i := 0; i < n; i++ {
			var data []byte
			if i < len(files) && files[i] != "" {
				data, _ = os.ReadFile(files[i])
			}
			switch {
			case c.Kind == winrm.KindRegExport && c.Files[0] == r.cfg.RegFail:
				out = append(out, fmt.Sprintf("SUPAUDIT-PART %d MISSING reg export failed: ERROR: Access is denied.\n", i)...)
			case data != nil:
				out = append(out, frame(i, data)...)
			case c.Kind == winrm.KindRegExport:
				out = append(out, fmt.Sprintf("SUPAUDIT-PART %d MISSING key not found\n", i)...)
			default:
				out = append(out, fmt.Sprintf("SUPAUDIT-PART %d MISSING not found\n", i)...)
			}
		}
		name := ""
		if len(c.Files) > 0 {
			name = c.Files[0]
		}
		switch name {
		case "":
		case r.cfg.Truncate:
			out = out[:len(out)*2/3]
		case r.cfg.Oversize:
			out = bytes.Repeat([]byte("A"), r.cfg.OversizeBytes)
		}
		return name, out
	}
	return "", []byte("'" + line + "' is not recognized as an internal or external command")
}

// frame is the scripts' framing of one part (Emit in the PowerShell).
func frame(i int, data []byte) []byte {
	enc := base64.StdEncoding.EncodeToString(data)
	var b strings.Builder
	fmt.Fprintf(&b, "SUPAUDIT-PART %d OK %d\r\n", i, len(data))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc)
	fmt.Fprintf(&b, "\r\nSUPAUDIT-END %d\r\n", i)
	return []byte(b.String())
}

func (r *Responder) path(rel string) string {
	p := filepath.Join(r.cfg.Dir, filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}

// find returns the first file directly in dir (below the server folder).
func (r *Responder) find(dir string) string {
	des, err := os.ReadDir(filepath.Join(r.cfg.Dir, filepath.FromSlash(dir)))
	if err != nil {
		return ""
	}
	var names []string
	for _, de := range des {
		if de.Type().IsRegular() {
			names = append(names, de.Name())
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		return ""
	}
	return filepath.Join(r.cfg.Dir, filepath.FromSlash(dir), names[0])
}

func (r *Responder) fqdn() string {
	data, _ := os.ReadFile(filepath.Join(r.cfg.Dir, "manifest.txt"))
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(l), "fqdn="); ok {
			return v
		}
	}
	return filepath.Base(r.cfg.Dir)
}
