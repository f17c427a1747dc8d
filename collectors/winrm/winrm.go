// Package winrm is the WinRM collector: it runs the read-only evidence
// reads of Commands on each server through WS-Management (WinRM, HTTP 5985
// or HTTPS 5986, NTLM or Basic authentication) and hands what comes back,
// one folder of files per server, to the evidence extractor
// (collectors/evidence/extract), which attributes every fact to "winrm".
// The evidence can be kept in the bundle layout (Result.Evidence) for the
// audit trail.
//
// Everything is bounded: a connect timeout, a per-request timeout, a
// per-host deadline, a cap on each command's output and each response,
// and a limit on hosts collected at once. The password is never put in an
// error, a snapshot or the saved evidence. See docs/winrm.md.
package winrm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/supaudit/supaudit/collectors/bundle"
	"github.com/supaudit/supaudit/collectors/evidence/extract"
	"github.com/supaudit/supaudit/facts"
	"github.com/supaudit/supaudit/internal/clock"
)

// CollectorName is the Provenance.Collector of the facts this collector
// establishes.
const CollectorName = "winrm"

// Version is recorded in the snapshot's collectors list and in each
// server's generated manifest.
const Version = "0.1.0"

// Authentication schemes.
const (
	// AuthNTLM negotiates NTLM (Negotiate or NTLM), the default. A server
	// that offers only Basic gets Basic, over HTTPS only.
	AuthNTLM = "ntlm"
	// AuthBasic sends Basic credentials (local accounts with
	// Auth/Basic=true on the server); over HTTPS only.
	AuthBasic = "basic"
)

// Defaults.
const (
	DefaultConnectTimeout   = 10 * time.Second
	DefaultOperationTimeout = 60 * time.Second
	DefaultHostTimeout      = 5 * time.Minute
	DefaultConcurrency      = 8
	// DefaultMaxOutput caps the standard output of one command (base64 of
	// a file is 4/3 of its size).
	DefaultMaxOutput int64 = 64 << 20
)

// Options tunes Collect. User and Password are required.
type Options struct {
	// HTTPS selects HTTPS (default port 5986) instead of HTTP (5985).
	HTTPS bool
	// CAPEM holds the PEM certificates trusted for HTTPS; empty means the
	// system roots.
	CAPEM []byte
	// InsecureSkipVerify turns off certificate verification.
	InsecureSkipVerify bool
	// Auth is AuthNTLM (default) or AuthBasic.
	Auth string
	// User is DOMAIN\user, user@domain or a local user.
	User string
	// Password is the user's password. It is never logged or stored.
	Password string
	// ConnectTimeout bounds TCP connect and TLS handshake.
	ConnectTimeout time.Duration
	// OperationTimeout is the WS-Management OperationTimeout of each
	// request; a request is abandoned 45 s after it.
	OperationTimeout time.Duration
	// HostTimeout bounds everything done with one host.
	HostTimeout time.Duration
	// Concurrency is the number of hosts collected at once.
	Concurrency int
	// MaxOutput caps one command's standard output.
	MaxOutput int64
	// Bundle holds the evidence extractor's options (Extract: limits, ID,
	// SiteMode...), as for the bundle collector.
	Bundle bundle.Options
	// Progress, when set, is called after each command on each host
	// (from several goroutines at once).
	Progress func(host string, command int)
}

func (o *Options) connectTimeout() time.Duration {
	if o.ConnectTimeout > 0 {
		return o.ConnectTimeout
	}
	return DefaultConnectTimeout
}

func (o *Options) operationTimeout() time.Duration {
	if o.OperationTimeout >= time.Second {
		return o.OperationTimeout
	}
	return DefaultOperationTimeout
}

func (o *Options) hostTimeout() time.Duration {
	if o.HostTimeout > 0 {
		return o.HostTimeout
	}
	return DefaultHostTimeout
}

func (o *Options) maxOutput() int64 {
	if o.MaxOutput > 0 {
		return o.MaxOutput
	}
	return DefaultMaxOutput
}

func (o *Options) now() time.Time {
	return clock.Or(o.Bundle.Now)()
}

// Target is one server to collect from.
type Target struct {
	Host string
	Port int // 0: 5985, or 5986 with HTTPS
}

// ParseTarget parses "host", "host:port", "[v6addr]:port".
func ParseTarget(s string) (Target, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Target{}, errors.New("empty host")
	}
	if h, p, err := net.SplitHostPort(s); err == nil {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return Target{}, fmt.Errorf("%s: port %q is not a TCP port", s, p)
		}
		return Target{Host: h, Port: n}, nil
	}
	if strings.ContainsAny(s, "/ \\@") {
		return Target{}, fmt.Errorf("%q is not a host name or host:port", s)
	}
	return Target{Host: strings.Trim(s, "[]")}, nil
}

// String is host[:port] as given.
func (t Target) String() string {
	if t.Port == 0 {
		return t.Host
	}
	return net.JoinHostPort(t.Host, strconv.Itoa(t.Port))
}

// folder is the bundle folder name of the target's evidence.
func (t Target) folder() string {
	r := strings.NewReplacer(":", "_", "[", "", "]", "", "%", "_")
	if t.Port == 0 {
		return r.Replace(t.Host)
	}
	return r.Replace(t.Host) + "_" + strconv.Itoa(t.Port)
}

// HostError is the error of one host that could not be collected.
type HostError struct {
	Host string
	Err  error
}

func (e *HostError) Error() string { return e.Host + ": " + e.Err.Error() }
func (e *HostError) Unwrap() error { return e.Err }

// Evidence is raw evidence in the bundle layout: file contents by
// slash-separated path, "<host folder>/<path in the server's evidence>"
// (bundle.Write saves it as a bundle folder).
type Evidence map[string][]byte

// Result is what Collect gathered.
type Result struct {
	// Snapshot is the facts snapshot (collector "winrm").
	Snapshot *facts.Snapshot
	// Evidence is the raw evidence in the bundle layout: one folder per
	// host, with a generated manifest.txt.
	Evidence Evidence
	// HostErrors are the hosts that could not be collected, or only in
	// part: a *PartialError, whose evidence read before it is kept (in
	// Evidence and the snapshot, marked incomplete).
	HostErrors []*HostError
}

// Collect gathers the evidence of every target and returns the snapshot.
// A host that cannot be reached or refuses is a HostError (and a
// collector error in the snapshot); Collect fails only when no host could
// be collected, or ctx is done.
func Collect(ctx context.Context, targets []Target, opts Options) (*Result, error) {
	if len(targets) == 0 {
		return nil, errors.New("winrm: no host")
	}
	if opts.User == "" || opts.Password == "" {
		return nil, errors.New("winrm: a user and a password are needed (SUPAUDIT_WINRM_USER, SUPAUDIT_WINRM_PASSWORD or --password-file)")
	}
	if opts.Auth != "" && opts.Auth != AuthNTLM && opts.Auth != AuthBasic {
		return nil, fmt.Errorf("winrm: authentication %q: want %s or %s", opts.Auth, AuthNTLM, AuthBasic)
	}
	if opts.Auth == AuthBasic && !opts.HTTPS {
		return nil, fmt.Errorf("winrm: %w: Basic authentication sends the password in clear over HTTP: use --https", ErrUnencrypted)
	}
	conc := opts.Concurrency
	if conc <= 0 {
		conc = DefaultConcurrency
	}
	type hostOut struct {
		files map[string][]byte
		errs  []string
		err   error
	}
	outs := make([]hostOut, len(targets))
	sem := make(chan struct{}, conc)
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				outs[i].err = ctx.Err()
				return
			}
			defer func() { <-sem }()
			files, errs, err := collectHost(ctx, t, &opts)
			outs[i] = hostOut{files, errs, err}
		}()
	}
	wg.Wait()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	res := &Result{Evidence: Evidence{}}
	var errs []string
	seen := map[string]bool{}
	collected := 0 // hosts with evidence
	for i, t := range targets {
		o := outs[i]
		if o.err != nil {
			he := &HostError{Host: t.String(), Err: o.err}
			res.HostErrors = append(res.HostErrors, he)
			errs = append(errs, redact(he.Error(), opts.Password))
			if len(o.files) == 0 {
				continue
			}
			collected++ // a PartialError: what was read is kept
		} else {
			collected++
		}
		dir := t.folder()
		if seen[dir] {
			continue
		}
		seen[dir] = true
		for name, data := range o.files {
			res.Evidence[path.Join(dir, name)] = data
		}
		for _, e := range o.errs {
			errs = append(errs, redact(e, opts.Password))
		}
	}
	if collected == 0 {
		msgs := make([]string, len(errs))
		copy(msgs, errs)
		return res, fmt.Errorf("winrm: no host could be collected:\n  %s", strings.Join(msgs, "\n  "))
	}
	snap, err := extractSnapshot(ctx, res.Evidence, &opts)
	if err != nil {
		return res, fmt.Errorf("winrm: %v", err)
	}
	if len(errs) > 0 {
		sort.Strings(errs)
		c := &snap.Collectors[0]
		c.Errors = append(errs, c.Errors...)
		c.Complete = false
	}
	res.Snapshot = snap
	return res, nil
}

// extractSnapshot hands the evidence of each host folder to the evidence
// extractor, which attributes every fact to this collector. Hosts are
// taken in folder order; the snapshot is named "<site code>-winrm"
// unless an ID was given, else "winrm".
func extractSnapshot(ctx context.Context, files Evidence, opts *Options) (*facts.Snapshot, error) {
	xopts := opts.Bundle.Extract()
	byHost := map[string]*extract.Evidence{}
	var hosts []string
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		dir, rel, ok := strings.Cut(name, "/")
		if !ok {
			continue
		}
		ev := byHost[dir]
		if ev == nil {
			ev = extract.NewEvidence(dir, xopts)
			byHost[dir] = ev
			hosts = append(hosts, dir)
		}
		data := files[name]
		ev.Add(rel, int64(len(data)), func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
	}
	evs := make([]*extract.Evidence, len(hosts))
	for i, h := range hosts {
		evs[i] = byHost[h]
	}
	return extract.Build(ctx, extract.Collector{Name: CollectorName, Version: Version}, evs, nil, CollectorName, xopts)
}

// redact removes the password from a message, belt and braces: no error
// path is known to carry it.
func redact(s, secret string) string {
	if len(secret) < 1 {
		return s
	}
	return strings.ReplaceAll(s, secret, "[REDACTED]")
}
