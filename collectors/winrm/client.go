package winrm

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"syscall"
	"time"

	ntlmssp "github.com/Azure/go-ntlmssp"
	mzwinrm "github.com/masterzen/winrm"
	"github.com/masterzen/winrm/soap"
	"github.com/supaudit/supaudit/internal/capread"
)

// Errors users meet, wrapped by the errors Collect reports so callers can
// tell them apart with errors.Is. Each error's text says what to do.
var (
	ErrUnreachable    = errors.New("host unreachable")
	ErrNotEnabled     = errors.New("WinRM not enabled")
	ErrAuth           = errors.New("authentication refused")
	ErrUnencrypted    = errors.New("unencrypted HTTP refused")
	ErrUntrusted      = errors.New("certificate not trusted")
	ErrTimeout        = errors.New("timed out")
	ErrInterrupted    = errors.New("interrupted")
	ErrOutputTooLarge = errors.New("output too large")
	ErrProtocol       = errors.New("unexpected WinRM response")
)

// maxResponse caps one SOAP response body. Windows sends at most
// MaxEnvelopeSizekb (150 KB by default, 500 KB on newer systems) per
// envelope.
const maxResponse = 4 << 20

// client talks WS-Management to one host: SOAP envelopes and response
// parsing come from github.com/masterzen/winrm, authentication from
// github.com/Azure/go-ntlmssp; the HTTP exchange is done here so that every
// request carries a context, a size cap and a clear error.
type client struct {
	url    string
	https  bool
	port   int
	user   string
	secret string
	http   *http.Client
	params *mzwinrm.Parameters
	opTO   time.Duration
	reqTO  time.Duration // per request: opTO + requestGrace
}

// requestGrace is added to the OperationTimeout to give the per-request
// timeout: the time one request (connection, headers and the whole
// response body) may take. Windows answers a Receive with no output
// within the OperationTimeout with a fault, so a healthy server answers
// every request within it; the grace covers network and server delays.
var requestGrace = 45 * time.Second

// basicGuard refuses to send Basic credentials over plain HTTP: the
// password would cross the network only base64-encoded.
type basicGuard struct{ rt http.RoundTripper }

var errBasicOverHTTP = errors.New("the server asks for Basic authentication over unencrypted HTTP; supaudit refuses to send the password that way")

func (g basicGuard) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme == "http" && strings.HasPrefix(req.Header.Get("Authorization"), "Basic ") {
		return nil, errBasicOverHTTP
	}
	return g.rt.RoundTrip(req)
}

// legacyCiphers are added to Go's defaults so that Windows Server 2003 and
// 2008, which speak at most TLS 1.0 with RSA key exchange, can be reached.
var legacyCiphers = []uint16{tls.TLS_RSA_WITH_AES_128_CBC_SHA, tls.TLS_RSA_WITH_AES_256_CBC_SHA, tls.TLS_RSA_WITH_3DES_EDE_CBC_SHA}

func newClient(host string, port int, o *Options) (*client, error) {
	tc := &tls.Config{InsecureSkipVerify: o.InsecureSkipVerify, MinVersion: tls.VersionTLS10}
	for _, cs := range tls.CipherSuites() {
		tc.CipherSuites = append(tc.CipherSuites, cs.ID)
	}
	tc.CipherSuites = append(tc.CipherSuites, legacyCiphers...)
	if len(o.CAPEM) > 0 {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(o.CAPEM) {
			return nil, fmt.Errorf("CA file: no PEM certificate in it")
		}
		tc.RootCAs = pool
	}
	base := &http.Transport{
		Proxy:               nil, // WinRM goes to the servers directly
		DialContext:         (&net.Dialer{Timeout: o.connectTimeout(), KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:     tc,
		TLSHandshakeTimeout: o.connectTimeout(),
		MaxIdleConnsPerHost: 1,
	}
	var rt http.RoundTripper = basicGuard{base}
	if o.Auth != AuthBasic {
		rt = ntlmssp.Negotiator{RoundTripper: rt}
	}
	scheme := "http"
	if o.HTTPS {
		scheme = "https"
	}
	params := *mzwinrm.DefaultParameters
	params.Timeout = fmt.Sprintf("PT%dS", int(o.operationTimeout()/time.Second))
	return &client{
		url:    fmt.Sprintf("%s://%s/wsman", scheme, net.JoinHostPort(host, fmt.Sprint(port))),
		https:  o.HTTPS,
		port:   port,
		user:   o.User,
		secret: o.Password,
		http:   &http.Client{Transport: rt, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		params: &params,
		opTO:   o.operationTimeout(),
		reqTO:  o.operationTimeout() + requestGrace,
	}, nil
}

func (c *client) close() { c.http.CloseIdleConnections() }

// post sends one SOAP message and returns the response envelope.
func (c *client) post(ctx context.Context, msg *soap.SoapMessage) (string, error) {
	defer msg.Free()
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, c.reqTO)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, strings.NewReader(msg.String()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/soap+xml;charset=UTF-8")
	req.SetBasicAuth(c.user, c.secret)
	resp, err := c.http.Do(req)
	if err != nil {
		return "", c.classify(parent, ctx, err)
	}
	defer resp.Body.Close()
	body, err := capread.Read(resp.Body, maxResponse)
	if errors.Is(err, capread.ErrTooLarge) {
		return "", fmt.Errorf("%w: a response is over %d bytes", ErrOutputTooLarge, maxResponse)
	}
	if err != nil {
		if ctx.Err() != nil {
			return "", c.classify(parent, ctx, err)
		}
		return "", fmt.Errorf("%w: the response was cut off (%v)", ErrProtocol, err)
	}
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		hint := "check the user (DOMAIN\\user or user@domain) and password, and that the user may use WinRM (local Administrators)"
		if !c.https {
			hint += "; over HTTP a server whose WinRM service refuses unencrypted traffic (AllowUnencrypted=false, the default) answers the same way: use --https (port 5986)"
		}
		return "", fmt.Errorf("%w (HTTP 401): %s", ErrAuth, hint)
	case resp.StatusCode == http.StatusNotFound:
		return "", fmt.Errorf("%w: HTTP 404 for /wsman on port %d: is this a WinRM listener? run `winrm quickconfig` on the server, or check --https and the port", ErrNotEnabled, c.port)
	case resp.StatusCode != http.StatusOK:
		if f := faultText(body); f != "" {
			if strings.Contains(strings.ToLower(f), "unencrypted") {
				return "", fmt.Errorf("%w: the server's WinRM policy refuses unencrypted traffic: use --https (port 5986); %s", ErrUnencrypted, f)
			}
			if isOperationTimeout(f) {
				return "", errOperationTimeout
			}
			return "", fmt.Errorf("%w: HTTP %d: %s", ErrProtocol, resp.StatusCode, f)
		}
		return "", fmt.Errorf("%w: HTTP %d (%s)", ErrProtocol, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if !strings.Contains(resp.Header.Get("Content-Type"), "soap+xml") {
		return "", fmt.Errorf("%w: content type %q, want application/soap+xml: is this a WinRM listener?", ErrProtocol, resp.Header.Get("Content-Type"))
	}
	if err := wellFormed(ctx, body); err != nil {
		switch {
		case ctx.Err() != nil:
			return "", c.classify(parent, ctx, err)
		case errors.Is(err, errTooDeep), errors.Is(err, errTooMany):
			return "", fmt.Errorf("%w: the response has %v", ErrProtocol, err)
		}
		return "", fmt.Errorf("%w: the response is not well-formed XML (truncated?): %v", ErrProtocol, err)
	}
	return string(body), nil
}

var errOperationTimeout = errors.New("WS-Management OperationTimeout (no output yet)")

func isOperationTimeout(f string) bool {
	return strings.Contains(f, "OperationTimeout") || strings.Contains(f, "2150858793")
}

// maxXMLDepth is the deepest element nesting accepted in a response. A
// WS-Management answer (Envelope, Header or Body, a response element, a
// Stream or CommandState, a fault's Detail with a WSManFault message) is
// less than 12 deep; deeper nesting only costs the XML libraries time.
const maxXMLDepth = 64

// maxXMLElements is the most elements accepted in one response. supaudit
// asks for envelopes of at most 150 KB (MaxEnvelopeSize 153600), which
// hold a few dozen Stream elements; the winrm library's XPath parsing
// takes seconds per hundred thousand elements.
const maxXMLElements = 16384

// errTooDeep is wrapped by wellFormed's error for a response nested
// deeper than maxXMLDepth.
var errTooDeep = fmt.Errorf("elements nested more than %d deep (no WS-Management answer needs that)", maxXMLDepth)

// errTooMany is wellFormed's error for a response of more than
// maxXMLElements elements.
var errTooMany = fmt.Errorf("more than %d elements (no WS-Management answer needs that)", maxXMLElements)

// wellFormed checks that body is one complete XML document nested at most
// maxXMLDepth deep, of at most maxXMLElements elements; the parsers of the winrm library do not report every
// truncation, and their time grows with the nesting. It stops when ctx
// ends.
func wellFormed(ctx context.Context, body []byte) error {
	d := xml.NewDecoder(bytes.NewReader(body))
	depth, seen, elems := 0, false, 0
	for n := 0; ; n++ {
		if n%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		tok, err := d.Token()
		if err == io.EOF {
			if depth != 0 || !seen {
				return io.ErrUnexpectedEOF
			}
			return nil
		}
		if err != nil {
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
			seen = true
			if depth > maxXMLDepth {
				return errTooDeep
			}
			if elems++; elems > maxXMLElements {
				return errTooMany
			}
		case xml.EndElement:
			depth--
			if depth < 0 {
				return errors.New("an end tag without its start tag")
			}
		}
	}
}

// parse runs fn, a parser of the winrm library, under ctx: when ctx ends
// first, parse returns at once (fn finishes in the background; the
// response is capped and its nesting bounded, so it cannot run long).
func parse(ctx context.Context, fn func() error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- fmt.Errorf("the XML parser panicked: %v", r)
			}
		}()
		done <- fn()
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

var reFaultText = regexp.MustCompile(`(?s)<(?:\w+:)?(?:Text|Message)[^>]*>(.*?)</(?:\w+:)?(?:Text|Message)>`)
var reFaultCode = regexp.MustCompile(`Code="(\d+)"`)

// faultText returns the message of a SOAP fault (bounded), or "".
func faultText(body []byte) string {
	var parts []string
	if m := reFaultCode.FindSubmatch(body); m != nil {
		parts = append(parts, "WSManFault "+string(m[1]))
	}
	for _, m := range reFaultText.FindAllSubmatch(body, 3) {
		t := strings.Join(strings.Fields(string(m[1])), " ")
		if t != "" {
			parts = append(parts, t)
		}
	}
	s := strings.Join(parts, ": ")
	if len(s) > 400 {
		s = s[:400] + "…"
	}
	return s
}

// classify turns a transport error into one that says what to do; parent
// is the caller's context (the host's deadline), ctx the request's.
func (c *client) classify(parent, ctx context.Context, err error) error {
	var (
		uae  x509.UnknownAuthorityError
		he   x509.HostnameError
		cie  x509.CertificateInvalidError
		cve  *tls.CertificateVerificationError
		rhe  tls.RecordHeaderError
		dnse *net.DNSError
		oe   *net.OpError
	)
	switch {
	case errors.Is(err, errBasicOverHTTP):
		return fmt.Errorf("%w: %v: use --https (port 5986)", ErrUnencrypted, errBasicOverHTTP)
	case errors.As(err, &uae), errors.As(err, &he), errors.As(err, &cie), errors.As(err, &cve):
		return fmt.Errorf("%w: %v: pass the issuing CA with --ca-file (PEM), or --insecure-skip-verify (not recommended); certificates signed with SHA-1 are not accepted", ErrUntrusted, rootCause(err))
	case errors.As(err, &rhe):
		return fmt.Errorf("%w: port %d does not speak TLS: drop --https, or use the HTTPS listener's port (5986)", ErrProtocol, c.port)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Errorf("%w: nothing listens on port %d: run `winrm quickconfig` on the server (HTTP 5985; for HTTPS 5986 create an HTTPS listener), and check the firewall", ErrNotEnabled, c.port)
	case errors.As(err, &dnse):
		return fmt.Errorf("%w: name does not resolve: %v", ErrUnreachable, dnse)
	case parent.Err() != nil:
		// The host's deadline (hostErr names it) or an interruption.
		return fmt.Errorf("%w: %v", ErrTimeout, parent.Err())
	case ctx.Err() != nil:
		return fmt.Errorf("%w: no complete answer within the per-request timeout of %s (--winrm-operation-timeout %s + %s)", ErrTimeout, c.reqTO, c.opTO, requestGrace)
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return fmt.Errorf("%w: no connection within --winrm-connect-timeout (%v)", ErrTimeout, rootCause(err))
	case errors.As(err, &oe) && oe.Op == "dial":
		return fmt.Errorf("%w: %v: check the name, the network path and the firewall (port %d)", ErrUnreachable, oe.Err, c.port)
	}
	return fmt.Errorf("%w: %v", ErrUnreachable, rootCause(err))
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// rootCause drops the url.Error wrapper (method and URL) from err.
func rootCause(err error) error {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		if _, ok := err.(interface{ Timeout() bool }); !ok {
			return err
		}
		err = u
	}
}
