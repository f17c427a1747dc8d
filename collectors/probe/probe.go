// Package probe is the network collector: from any machine that can reach
// the software update point servers, without credentials and without
// changing anything, it connects to the candidate WSUS ports, asks the WSUS
// web services whether WSUS answers there, shakes hands with TLS on the SSL
// port and checks which web services refuse plain HTTP. What it sees
// becomes facts (facts.Snapshot) with provenance {collector "probe", host,
// source tcp://host:port, tls://host:port or the URL}.
//
// Everything is bounded: connect, TLS and request timeouts, a per-host
// deadline, response bodies capped, and a fixed number of hosts probed at
// once. Name resolution and dialling go through Options so that tests map
// made-up names to loopback.
package probe

import (
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/supaudit/supaudit/collectors/evidence/certs"
	"github.com/supaudit/supaudit/facts"
	"github.com/supaudit/supaudit/internal/capread"
	"github.com/supaudit/supaudit/internal/clock"
)

// CollectorName is the collector name in provenance and collector runs.
const CollectorName = "probe"

// Defaults for Options.
const (
	DefaultConnectTimeout = 3 * time.Second
	DefaultTLSTimeout     = 5 * time.Second
	DefaultRequestTimeout = 10 * time.Second
	DefaultHostTimeout    = 60 * time.Second
	DefaultMaxBody        = 64 << 10
	DefaultConcurrency    = 64
)

// Resolver resolves host names; *net.Resolver satisfies it.
type Resolver interface {
	LookupHost(ctx context.Context, host string) ([]string, error)
}

// StaticResolver maps names (any case) to addresses and reports every
// other name as not found. Tests use it to point made-up FQDNs at
// loopback.
type StaticResolver map[string][]string

// LookupHost implements Resolver.
func (r StaticResolver) LookupHost(_ context.Context, host string) ([]string, error) {
	if a, ok := r[strings.ToLower(strings.TrimSuffix(host, "."))]; ok {
		return a, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

// Options bound and direct a probe run. Zero values take the defaults.
type Options struct {
	// Resolver resolves the targets' names; nil means net.DefaultResolver.
	Resolver Resolver
	// Dial opens TCP connections; nil means a net.Dialer.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// ConnectTimeout bounds each TCP connect, TLSTimeout each handshake,
	// RequestTimeout each HTTP request (headers and capped body), and
	// HostTimeout everything done for one host.
	ConnectTimeout, TLSTimeout, RequestTimeout, HostTimeout time.Duration
	// MaxBody is the most bytes of a response body read.
	MaxBody int64
	// Concurrency is how many hosts are probed at once.
	Concurrency int
	// CAFile is the PEM bundle of trusted CAs for targets without their
	// own; empty means the system roots.
	CAFile string
	// Now is the clock for certificate verification; nil means clock.Wall.
	Now func() time.Time
	// Progress, when set, is called after each host with the number done
	// and the total; calls may come from several goroutines, in order.
	Progress func(done, total int)
}

func (o *Options) defaults() {
	if o.Resolver == nil {
		o.Resolver = net.DefaultResolver
	}
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = DefaultConnectTimeout
	}
	if o.TLSTimeout <= 0 {
		o.TLSTimeout = DefaultTLSTimeout
	}
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = DefaultRequestTimeout
	}
	if o.HostTimeout <= 0 {
		o.HostTimeout = DefaultHostTimeout
	}
	if o.MaxBody <= 0 {
		o.MaxBody = DefaultMaxBody
	}
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.Dial == nil {
		d := &net.Dialer{}
		o.Dial = d.DialContext
	}
	if o.Now == nil {
		o.Now = clock.Wall
	}
}

// Target is one server to probe.
type Target struct {
	// FQDN is the name probed and the server's identity in the snapshot.
	FQDN string
	// InternetFQDN is the name Internet clients use, if any.
	InternetFQDN string
	// Role is intranet, internet, both, or empty when not known; it
	// decides which name the certificate must carry for clients.
	Role string
	// Pairs are the candidate WSUS port pairs; empty means DefaultPairs.
	Pairs []PortPair
	// CAFile overrides Options.CAFile.
	CAFile string
}

// ClientName is the name the target's clients connect to: the Internet
// FQDN for an Internet-only SUP, else the intranet FQDN.
func (t Target) ClientName() string {
	if t.Role == facts.AcceptsInternet && t.InternetFQDN != "" {
		return t.InternetFQDN
	}
	return t.FQDN
}

var fqdnRE = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$`)

// ParseTarget parses a --probe argument: HOST, or HOST:internet,
// HOST:intranet or HOST:both.
func ParseTarget(s string) (Target, error) {
	host, role, _ := strings.Cut(strings.TrimSpace(s), ":")
	if !fqdnRE.MatchString(host) || len(host) > 255 {
		return Target{}, fmt.Errorf("--probe %q: %q is not a host name", s, host)
	}
	t := Target{FQDN: host}
	switch strings.ToLower(role) {
	case "":
	case facts.AcceptsInternet:
		t.Role, t.InternetFQDN = facts.AcceptsInternet, host
	case facts.AcceptsIntranet, facts.AcceptsBoth:
		t.Role = strings.ToLower(role)
	default:
		return Target{}, fmt.Errorf("--probe %q: %q: want HOST, HOST:internet, HOST:intranet or HOST:both", s, role)
	}
	return t, nil
}

// WSUS web services probed. wuident.cab and wusserverversion.xml are
// served anonymously over HTTP by every WSUS 3.0 server (Microsoft's
// troubleshooting guide uses them, see docs/probe.md); the .asmx files are
// one per web service that must require SSL on an SSL-enabled SUP.
const (
	PathWuident       = "/Selfupdate/wuident.cab"
	PathServerVersion = "/ClientWebService/wusserverversion.xml"
)

// SSLServices maps each WSUS virtual directory that must require SSL to the
// web service file probed in it.
var SSLServices = []struct{ VDir, Path string }{
	{"ApiRemoting30", "/ApiRemoting30/WebService.asmx"},
	{"ClientWebService", "/ClientWebService/client.asmx"},
	{"DssAuthWebService", "/DssAuthWebService/DssAuth.asmx"},
	{"ServerSyncWebService", "/ServerSyncWebService/ServerSync.asmx"},
	{"SimpleAuthWebService", "/SimpleAuthWebService/SimpleAuth.asmx"},
}

// Result is the outcome of a run.
type Result struct {
	// Servers holds one entry per target, in target order.
	Servers []facts.Server
	// Run records the collector: Complete is false when the run was
	// interrupted before every host was probed.
	Run facts.CollectorRun
	// TLS lists the handshakes, in target order.
	TLS []TLSInfo
}

// Run probes the targets, at most Options.Concurrency at once. When ctx is
// cancelled (Ctrl-C) it stops starting hosts, abandons those in flight and
// returns what was collected with Run.Complete false.
func Run(ctx context.Context, targets []Target, opts Options) Result {
	opts.defaults()
	res := Result{Servers: make([]facts.Server, len(targets)), Run: facts.CollectorRun{Name: CollectorName, Complete: true}}
	errs := make([][]string, len(targets))
	tlsInfos := make([][]TLSInfo, len(targets))
	probed := make([]bool, len(targets))
	pools := &poolCache{m: map[string]*poolEntry{}}
	var done atomic.Int64
	var progMu sync.Mutex
	jobs := make(chan int)
	var wg sync.WaitGroup
	workers := min(opts.Concurrency, len(targets))
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				t := targets[i]
				caFile := t.CAFile
				if caFile == "" {
					caFile = opts.CAFile
				}
				roots, err := pools.get(caFile)
				h := &hostProbe{opts: &opts, t: t, roots: roots}
				if err != nil {
					h.errs = append(h.errs, err.Error())
				}
				res.Servers[i] = h.run(ctx)
				errs[i] = h.errs
				tlsInfos[i] = h.tls
				probed[i] = ctx.Err() == nil
				if opts.Progress != nil {
					progMu.Lock()
					opts.Progress(int(done.Add(1)), len(targets))
					progMu.Unlock()
				}
			}
		}()
	}
feed:
	for i := range targets {
		select {
		case jobs <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	missing := 0
	for i, t := range targets {
		if res.Servers[i].FQDN == "" {
			res.Servers[i] = facts.Server{FQDN: t.FQDN}
		}
		for _, e := range errs[i] {
			res.Run.Errors = append(res.Run.Errors, t.FQDN+": "+e)
		}
		res.TLS = append(res.TLS, tlsInfos[i]...)
		if !probed[i] {
			missing++
		}
	}
	if missing > 0 {
		res.Run.Complete = false
		res.Run.Errors = append(res.Run.Errors, fmt.Sprintf("interrupted: %d of %d hosts not (fully) probed", missing, len(targets)))
	}
	return res
}

type poolEntry struct {
	certs []*x509.Certificate
	err   error
}

type poolCache struct {
	mu sync.Mutex
	m  map[string]*poolEntry
}

// get returns the roots of a CA file: nil (the system roots) for "".
func (c *poolCache) get(file string) ([]*x509.Certificate, error) {
	if file == "" {
		return nil, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[file]; ok {
		return e.certs, e.err
	}
	certs, err := LoadCAFile(file)
	c.m[file] = &poolEntry{certs, err}
	return certs, err
}

// LoadCAFile reads a PEM bundle of CA certificates (at most 16 MiB, a
// regular file) with the evidence certificate parser; a certificate that
// does not parse is an error naming its line.
func LoadCAFile(file string) ([]*x509.Certificate, error) {
	data, err := capread.File(file, 16<<20)
	if errors.Is(err, capread.ErrTooLarge) {
		return nil, fmt.Errorf("CA file %s: %w", file, err)
	}
	if err != nil {
		return nil, fmt.Errorf("CA file: %w", err)
	}
	if !bytes.Contains(data, []byte("-----BEGIN ")) {
		return nil, fmt.Errorf("CA file %s: no PEM certificate in it", file)
	}
	cs, err := certs.ParseBytes(data, file)
	if err != nil {
		return nil, fmt.Errorf("CA file: %w", err)
	}
	roots := make([]*x509.Certificate, len(cs))
	for i, c := range cs {
		roots[i] = c.Certificate
	}
	return roots, nil
}

// hostProbe probes one host.
type hostProbe struct {
	opts  *Options
	t     Target
	roots []*x509.Certificate // nil: the system roots
	addr  string
	mu    sync.Mutex
	errs  []string
	tls   []TLSInfo
}

func (h *hostProbe) errorf(format string, a ...any) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.errs = append(h.errs, fmt.Sprintf(format, a...))
}

func (h *hostProbe) prov(source string) facts.Provenance {
	return facts.Provenance{Collector: CollectorName, Host: h.t.FQDN, Source: source}
}

// pairResult is what was seen on one candidate pair.
type pairResult struct {
	pair        PortPair
	httpOpen    *facts.Fact[bool] // the TCP handshake completes
	httpsOpen   *facts.Fact[bool]
	httpAnswer  *facts.Fact[bool] // an HTTP response came back
	httpsAnswer *facts.Fact[bool] // a TLS handshake completed
	httpURL     string            // the first URL that got a response, or was tried
	tlsDone     bool
	wsusURL     string // the URL that showed WSUS answers, "" if none
	httpStatus  map[string]int
	httpsStatus map[string]int
	httpBody    map[string][]byte
	cert        *facts.Fact[facts.Certificate]
}

func (h *hostProbe) run(parent context.Context) facts.Server {
	ctx, cancel := context.WithTimeout(parent, h.opts.HostTimeout)
	defer cancel()
	srv := facts.Server{FQDN: h.t.FQDN}
	// --probe HOST:internet: the user says clients reach HOST from the
	// Internet. (An inventory's Internet FQDN is declared by the inventory.)
	if h.t.Role == facts.AcceptsInternet && strings.EqualFold(h.t.InternetFQDN, h.t.FQDN) {
		srv.InternetFQDN = facts.Known(h.t.FQDN, h.prov("--probe "+h.t.FQDN+":internet"))
	}
	dnsSrc := "dns:" + h.t.FQDN
	addrs, err := h.opts.Resolver.LookupHost(ctx, h.t.FQDN)
	if err != nil {
		var de *net.DNSError
		if errors.As(err, &de) && de.IsNotFound {
			srv.Resolves = facts.Known(false, h.prov(dnsSrc))
		} else {
			srv.Resolves = facts.UnknownFact[bool]("name lookup failed: "+err.Error(), h.prov(dnsSrc))
			h.errorf("resolve: %v", err)
		}
		return srv
	}
	if len(addrs) == 0 {
		srv.Resolves = facts.Known(false, h.prov(dnsSrc))
		return srv
	}
	srv.Resolves = facts.Known(true, h.prov(dnsSrc))
	h.addr = addrs[0]

	pairs := h.t.Pairs
	if len(pairs) == 0 {
		pairs = DefaultPairs
	}
	results := make([]*pairResult, len(pairs))
	var wg sync.WaitGroup
	for i, p := range pairs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = h.probePair(ctx, p)
		}()
	}
	wg.Wait()

	seen := map[int]bool{}
	for _, r := range results {
		for _, pf := range []struct {
			port int
			f    *facts.Fact[bool]
			tcp  *facts.Fact[bool]
		}{{r.pair.HTTP, r.httpAnswer, r.httpOpen}, {r.pair.HTTPS, r.httpsAnswer, r.httpsOpen}} {
			if pf.f != nil && !seen[pf.port] {
				seen[pf.port] = true
				srv.Ports = append(srv.Ports, facts.PortCheck{Port: pf.port, Reachable: pf.f, Accepts: pf.tcp})
			}
		}
	}
	h.wsusFacts(&srv, results)
	if ctx.Err() != nil && parent.Err() == nil {
		h.errorf("per-host deadline (%s) reached; facts not established are left unknown", h.opts.HostTimeout)
	}
	return srv
}

// wsusFacts deduces the WSUS facts from the pairs: the pair where WSUS
// answered gives the ports and, when it is a standard pair, the web site;
// its SSL port gives the certificate and the SSL requirement of the web
// services.
func (h *hostProbe) wsusFacts(srv *facts.Server, results []*pairResult) {
	var w *pairResult
	for _, r := range results {
		if r.wsusURL != "" {
			w = r
			break
		}
	}
	wsus := &facts.WSUS{}
	if w == nil {
		// Not WSUS on any pair: still report a certificate where a TLS
		// port answered, but claim no WSUS ports.
		for _, r := range results {
			if r.cert != nil && r.cert.Value != nil {
				wsus.Certificate = r.cert
				break
			}
		}
		if wsus.Certificate != nil {
			srv.WSUS = wsus
		}
		return
	}
	wsus.Port = facts.Known(w.pair.HTTP, h.prov(w.wsusURL))
	if w.cert != nil && w.cert.Value != nil {
		wsus.SSLPort = facts.Known(w.pair.HTTPS, h.prov(tlsURL(h.t.FQDN, w.pair.HTTPS)))
	}
	switch w.pair {
	case PortPair{8530, 8531}:
		wsus.WebSite = facts.Known("custom", h.prov(w.wsusURL))
	case PortPair{80, 443}:
		wsus.WebSite = facts.Known("default", h.prov(w.wsusURL))
	}
	wsus.Certificate = w.cert
	for _, s := range SSLServices {
		if f := h.sslRequired(w, s.Path); f != nil {
			if wsus.SSLRequired == nil {
				wsus.SSLRequired = map[string]*facts.Fact[bool]{}
			}
			wsus.SSLRequired[s.VDir] = f
		}
	}
	srv.WSUS = wsus
}

// sslRequired judges one web service: served over plain HTTP means SSL is
// not required; refused with 403 over HTTP while HTTPS serves it (or the
// IIS 403.4 "SSL required" page) means it is. Anything else (404, 401, no
// answer) decides nothing.
func (h *hostProbe) sslRequired(w *pairResult, path string) *facts.Fact[bool] {
	st, ok := w.httpStatus[path]
	if !ok {
		return nil
	}
	src := httpURL(h.t.FQDN, w.pair.HTTP, path)
	switch {
	case st == http.StatusForbidden:
		body := w.httpBody[path]
		if bytes.Contains(body, []byte("403.4")) || bytes.Contains(bytes.ToLower(body), []byte("secure channel")) {
			return facts.Known(true, h.prov(src))
		}
		if hs, ok := w.httpsStatus[path]; ok && hs != http.StatusForbidden && hs != http.StatusNotFound {
			return facts.Known(true, h.prov(src))
		}
		return nil
	case st == http.StatusNotFound, st == http.StatusUnauthorized, st >= 502:
		return nil
	default:
		return facts.Known(false, h.prov(src))
	}
}

func httpURL(host string, port int, path string) string {
	return "http://" + net.JoinHostPort(host, strconv.Itoa(port)) + path
}

func httpsURL(host string, port int, path string) string {
	return "https://" + net.JoinHostPort(host, strconv.Itoa(port)) + path
}

func tlsURL(host string, port int) string {
	return "tls://" + net.JoinHostPort(host, strconv.Itoa(port))
}

func tcpURL(host string, port int) string {
	return "tcp://" + net.JoinHostPort(host, strconv.Itoa(port))
}

// probePair connects to both ports of a pair at once, then asks the HTTP
// port for the WSUS paths while the TLS handshake runs on the HTTPS port,
// so that a host that never answers costs about one timeout, not several.
func (h *hostProbe) probePair(ctx context.Context, p PortPair) *pairResult {
	r := &pairResult{pair: p, httpStatus: map[string]int{}, httpsStatus: map[string]int{}, httpBody: map[string][]byte{}}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); r.httpOpen = h.connect(ctx, p.HTTP) }()
	go func() { defer wg.Done(); r.httpsOpen = h.connect(ctx, p.HTTPS) }()
	wg.Wait()

	client := h.client()
	defer client.CloseIdleConnections()
	wg.Add(2)
	go func() {
		defer wg.Done()
		if !isTrue(r.httpOpen) {
			return
		}
		h.httpPaths(ctx, client, r)
	}()
	go func() {
		defer wg.Done()
		if !isTrue(r.httpsOpen) {
			return
		}
		r.cert, r.tlsDone = h.handshake(ctx, p.HTTPS)
	}()
	wg.Wait()
	r.httpAnswer = h.answered(ctx, r.httpOpen, len(r.httpStatus) > 0, r.httpURL, "no HTTP response")
	r.httpsAnswer = h.answered(ctx, r.httpsOpen, r.tlsDone, tlsURL(h.t.FQDN, p.HTTPS), "no TLS handshake")
	// A 403 over HTTP is ambiguous (most WSUS URLs answer 403 to a plain
	// GET): ask the same service over HTTPS to tell "SSL required" apart.
	if r.cert != nil && r.cert.Value != nil {
		for _, s := range SSLServices {
			if r.httpStatus[s.Path] == http.StatusForbidden {
				if st, _, _, err := h.get(ctx, client, httpsURL(h.t.FQDN, p.HTTPS, s.Path)); err == nil {
					r.httpsStatus[s.Path] = st
				}
			}
		}
	}
	return r
}

func isTrue(f *facts.Fact[bool]) bool {
	v, ok := f.Get()
	return ok && v
}

// answered is the "port answers" fact: true only after an HTTP response
// (or a completed TLS handshake), at the URL that showed it. A port that
// accepts the TCP connection (the kernel does that for any listener) but
// does not answer is false, at the URL tried, beside its "accepts" fact;
// a port that does not accept keeps the connect fact.
func (h *hostProbe) answered(ctx context.Context, tcp *facts.Fact[bool], ok bool, src, what string) *facts.Fact[bool] {
	switch {
	case !isTrue(tcp):
		return tcp
	case ok:
		return facts.Known(true, h.prov(src))
	case ctx.Err() != nil:
		return facts.UnknownFact[bool]("the port accepts connections, but the probe stopped before it answered: "+ctx.Err().Error(), h.prov(src))
	}
	return facts.Known(false, h.prov(src))
}

// connect reports whether a TCP connection to port opens within the
// connect timeout.
func (h *hostProbe) connect(ctx context.Context, port int) *facts.Fact[bool] {
	src := tcpURL(h.t.FQDN, port)
	cctx, cancel := context.WithTimeout(ctx, h.opts.ConnectTimeout)
	defer cancel()
	c, err := h.opts.Dial(cctx, "tcp", net.JoinHostPort(h.addr, strconv.Itoa(port)))
	if err == nil {
		_ = c.Close()
		return facts.Known(true, h.prov(src))
	}
	if ctx.Err() != nil {
		return facts.UnknownFact[bool]("probe stopped before the connection was established: "+ctx.Err().Error(), h.prov(src))
	}
	return facts.Known(false, h.prov(src))
}

// client is an HTTP client that dials the resolved address whatever the
// URL's host, sends the FQDN as Host and SNI, and does not verify
// certificates (the handshake probe verifies them and records the result).
func (h *hostProbe) client() *http.Client {
	addr := h.addr
	dial := h.opts.Dial
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, a string) (net.Conn, error) {
			_, port, err := net.SplitHostPort(a)
			if err != nil {
				return nil, err
			}
			cctx, cancel := context.WithTimeout(ctx, h.opts.ConnectTimeout)
			defer cancel()
			return dial(cctx, network, net.JoinHostPort(addr, port))
		},
		// #nosec G402 -- the probe records, not relies on, the certificate.
		TLSClientConfig:        &tls.Config{InsecureSkipVerify: true, ServerName: h.t.ClientName()},
		TLSHandshakeTimeout:    h.opts.TLSTimeout,
		ResponseHeaderTimeout:  h.opts.RequestTimeout,
		MaxIdleConnsPerHost:    1,
		MaxResponseHeaderBytes: 64 << 10,
		DisableCompression:     true,
		Proxy:                  nil,
	}
	return &http.Client{
		Transport: tr,
		Timeout:   h.opts.RequestTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// get fetches url and returns its status and at most MaxBody bytes of the
// body, all within one request timeout. A body cut short (the connection
// closed early, or the timeout hit while reading it) is returned as far as
// it came with truncated set, and err, for a stall, errBodyStalled.
func (h *hostProbe) get(ctx context.Context, client *http.Client, url string) (status int, body []byte, truncated bool, err error) {
	rctx, cancel := context.WithTimeout(ctx, h.opts.RequestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, nil, false, err
	}
	req.Header.Set("User-Agent", "supaudit-probe (read-only)")
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, false, err
	}
	defer resp.Body.Close()
	body, rerr := io.ReadAll(io.LimitReader(resp.Body, h.opts.MaxBody))
	switch {
	case rerr == nil:
		return resp.StatusCode, body, false, nil
	case rctx.Err() != nil || isTimeout(rerr):
		return resp.StatusCode, body, true, fmt.Errorf("%w after %d bytes (request timeout %s)", errBodyStalled, len(body), h.opts.RequestTimeout)
	}
	return resp.StatusCode, body, true, nil
}

// errBodyStalled is get's error for a response whose body stopped coming
// within the request timeout.
var errBodyStalled = errors.New("the response body stalled")

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// httpPaths asks the HTTP port for the WSUS paths. After the first request
// that gets no answer the port is given up: a port that accepts and never
// answers costs one request timeout.
func (h *hostProbe) httpPaths(ctx context.Context, client *http.Client, r *pairResult) {
	paths := []string{PathWuident, PathServerVersion}
	for _, s := range SSLServices {
		paths = append(paths, s.Path)
	}
	for _, p := range paths {
		if ctx.Err() != nil {
			return
		}
		u := httpURL(h.t.FQDN, r.pair.HTTP, p)
		if r.httpURL == "" {
			r.httpURL = u
		}
		st, body, truncated, err := h.get(ctx, client, u)
		if st != 0 {
			if len(r.httpStatus) == 0 {
				r.httpURL = u
			}
			r.httpStatus[p] = st
		}
		if err != nil {
			// No answer, or a body that stalled: give the port up, so a
			// port that stops answering costs one request timeout.
			if ctx.Err() == nil {
				h.errorf("%s: %v; the other paths on this port are not asked", u, err)
			}
			return
		}
		if truncated {
			// A body cut short is not evidence (a cut cabinet file still
			// starts with MSCF); the status is kept.
			h.errorf("%s: the response body was cut short after %d bytes (the connection closed); it is not used as evidence", u, len(body))
			continue
		}
		if st == http.StatusForbidden {
			r.httpBody[p] = body
		}
		if r.wsusURL == "" && st == http.StatusOK && isWSUS(p, body) {
			r.wsusURL = u
		}
	}
}

// isWSUS says whether a 200 answer to a WSUS path looks like WSUS: the
// self-update cab is a cabinet file (MSCF), the server version file XML.
func isWSUS(path string, body []byte) bool {
	switch path {
	case PathWuident:
		return bytes.HasPrefix(body, []byte("MSCF"))
	case PathServerVersion:
		return bytes.HasPrefix(bytes.TrimSpace(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))), []byte("<"))
	}
	return false
}

// handshake does a TLS handshake on port and records the server
// certificate, whether its chain verifies to the roots, the protocol and
// the cipher suite.
func (h *hostProbe) handshake(ctx context.Context, port int) (*facts.Fact[facts.Certificate], bool) {
	src := tlsURL(h.t.FQDN, port)
	tctx, cancel := context.WithTimeout(ctx, h.opts.ConnectTimeout+h.opts.TLSTimeout)
	defer cancel()
	raw, err := h.opts.Dial(tctx, "tcp", net.JoinHostPort(h.addr, strconv.Itoa(port)))
	if err != nil {
		return facts.UnknownFact[facts.Certificate]("connect for the TLS handshake failed: "+err.Error(), h.prov(src)), false
	}
	defer raw.Close()
	hctx, hcancel := context.WithTimeout(ctx, h.opts.TLSTimeout)
	defer hcancel()
	// #nosec G402 -- verification is done below, against the chosen roots,
	// so that an untrusted certificate is recorded rather than refused.
	conn := tls.Client(raw, &tls.Config{InsecureSkipVerify: true, ServerName: h.t.ClientName(), MinVersion: tls.VersionTLS10})
	if err := conn.HandshakeContext(hctx); err != nil {
		h.errorf("%s: TLS handshake: %v", src, err)
		return facts.UnknownFact[facts.Certificate]("TLS handshake failed: "+err.Error(), h.prov(src)), false
	}
	st := conn.ConnectionState()
	if len(st.PeerCertificates) == 0 {
		return facts.UnknownFact[facts.Certificate]("the server sent no certificate", h.prov(src)), true
	}
	leaf := st.PeerCertificates[0]
	chain, trusted := h.verify(leaf, st.PeerCertificates[1:])
	sum := sha1.Sum(leaf.Raw) // #nosec G401 -- the Windows thumbprint is SHA-1 by definition.
	cert := facts.Certificate{
		Subject:            leaf.Subject.String(),
		DNSNames:           leaf.DNSNames,
		Issuer:             leaf.Issuer.String(),
		NotBefore:          leaf.NotBefore.UTC(),
		NotAfter:           leaf.NotAfter.UTC(),
		Thumbprint:         strings.ToUpper(hex.EncodeToString(sum[:])),
		Trusted:            &trusted,
		SignatureAlgorithm: leaf.SignatureAlgorithm.String(),
	}
	cert.Chain = facts.ChainOf(chain)
	h.tlsInfo(src, st, leaf, trusted)
	return facts.Known(cert, h.prov(src)), true
}

// verify builds and verifies leaf's chain to the roots and returns it
// (leaf first) and whether it verified. With a CA file it judges trust as
// a Windows Server 2003-era client would, SHA-1 signatures accepted
// (certs.VerifyChain); with the system roots it uses crypto/x509. An
// expired certificate is judged at a time inside its validity window:
// SUP-10 reports the dates on their own.
func (h *hostProbe) verify(leaf *x509.Certificate, inter []*x509.Certificate) ([]*x509.Certificate, bool) {
	at := h.opts.Now()
	if at.Before(leaf.NotBefore) || at.After(leaf.NotAfter) {
		at = leaf.NotBefore.Add(leaf.NotAfter.Sub(leaf.NotBefore) / 2)
	}
	if h.roots != nil {
		chain, err := certs.VerifyChain(leaf, certs.VerifyOptions{Roots: h.roots, Intermediates: inter, At: at, ServerAuth: true})
		return chain, err == nil
	}
	pool := x509.NewCertPool()
	for _, c := range inter {
		pool.AddCert(c)
	}
	chains, err := leaf.Verify(x509.VerifyOptions{Intermediates: pool, CurrentTime: at, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
	if err != nil || len(chains) == 0 {
		return nil, false
	}
	return chains[0], true
}

// TLSInfo is what a handshake showed beyond the certificate fact: the
// facts schema (v1) has no place for the protocol and cipher, so Run
// returns them beside the snapshot facts.
type TLSInfo struct {
	// Host is the target's FQDN, Source the tls://host:port probed.
	Host, Source string
	// Protocol is the negotiated TLS version ("TLS 1.2"), Cipher the
	// cipher suite's IANA name.
	Protocol, Cipher string
	// ClientName is the FQDN clients use; NameMatches whether the
	// certificate is valid for it.
	ClientName  string
	NameMatches bool
	// Trusted is whether the chain verified to the roots.
	Trusted bool
}

func (h *hostProbe) tlsInfo(src string, st tls.ConnectionState, leaf *x509.Certificate, trusted bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.tls = append(h.tls, TLSInfo{
		Host: h.t.FQDN, Source: src,
		Protocol: tls.VersionName(st.Version), Cipher: tls.CipherSuiteName(st.CipherSuite),
		ClientName: h.t.ClientName(), NameMatches: leaf.VerifyHostname(h.t.ClientName()) == nil,
		Trusted: trusted,
	})
}
