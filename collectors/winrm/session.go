package winrm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"regexp"
	"strings"
	"time"

	mzwinrm "github.com/masterzen/winrm"
)

// capWriter keeps up to max bytes and remembers that more were offered.
type capWriter struct {
	buf  bytes.Buffer
	max  int64
	over bool
}

func (w *capWriter) Write(p []byte) (int, error) {
	if room := w.max - int64(w.buf.Len()); int64(len(p)) > room {
		w.over = true
		if room > 0 {
			w.buf.Write(p[:room])
		}
		return len(p), nil
	}
	return w.buf.Write(p)
}

// redactedError has the text of err with the password removed and keeps
// err for errors.Is.
type redactedError struct {
	msg string
	err error
}

func (r *redactedError) Error() string { return r.msg }
func (r *redactedError) Unwrap() error { return r.err }

// collectHost runs every command on one host in one remote shell and
// returns the evidence files (with a generated manifest.txt), problems
// with single commands, or the error that stopped the host.
func collectHost(ctx context.Context, t Target, o *Options) (files map[string][]byte, errs []string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: internal error while talking to the server (a collector bug): %v", ErrProtocol, r)
		}
		if err != nil {
			err = &redactedError{msg: redact(err.Error(), o.Password), err: err}
		}
	}()
	files, errs, err = runHost(ctx, t, o)
	return files, errs, err
}

func runHost(ctx context.Context, t Target, o *Options) (map[string][]byte, []string, error) {
	port := t.Port
	if port == 0 {
		port = 5985
		if o.HTTPS {
			port = 5986
		}
	}
	c, err := newClient(t.Host, port, o)
	if err != nil {
		return nil, nil, err
	}
	defer c.close()
	outer := ctx
	ctx, cancel := context.WithTimeout(ctx, o.hostTimeout())
	defer cancel()
	resp, err := c.post(ctx, mzwinrm.NewOpenShellRequest(c.url, c.params))
	if err != nil {
		return nil, nil, hostErr(outer, ctx, err, "opening a remote shell", o)
	}
	var shellID string
	err = parse(ctx, func() (err error) {
		shellID, err = mzwinrm.ParseOpenShellResponse(resp)
		return err
	})
	if ctx.Err() != nil {
		return nil, nil, hostErr(outer, ctx, ctx.Err(), "opening a remote shell", o)
	}
	if err != nil || shellID == "" {
		return nil, nil, fmt.Errorf("%w: the Create response holds no ShellId", ErrProtocol)
	}
	defer func() {
		// Delete the shell even when the host's deadline has passed.
		dctx, dcancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer dcancel()
		_, _ = c.post(dctx, mzwinrm.NewDeleteShellRequest(c.url, shellID, c.params))
	}()
	files := map[string][]byte{}
	var errs []string
	fqdn := ""
	for i, cmd := range Commands {
		what := "the identity"
		if len(cmd.Files) > 0 {
			what = cmd.Files[0]
		}
		out, err := c.run(ctx, shellID, cmd.CommandLine(), o.maxOutput())
		if o.Progress != nil {
			o.Progress(t.String(), i)
		}
		if err != nil {
			if errors.Is(err, ErrOutputTooLarge) || errors.Is(err, errCommandFailed) {
				errs = append(errs, fmt.Sprintf("%s: %s: %v", t, what, err))
				continue
			}
			herr := hostErr(outer, ctx, err, "reading "+what, o)
			if len(files) == 0 {
				return nil, nil, herr
			}
			// Keep what was read, and say in the manifest what was not
			// and why, so the facts that needed it are unknown with the
			// reason.
			var notes []string
			for _, rest := range Commands[i:] {
				for _, f := range rest.Files {
					notes = append(notes, f+": the WinRM collection from this server stopped: "+oneLine(redact(herr.Error(), o.Password)))
				}
			}
			files["manifest.txt"] = manifest(t, fqdn, o.now(), notes...)
			return files, errs, &PartialError{Err: herr}
		}
		parts, err := parseParts(out)
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s: %s: %v", t, what, err))
			continue
		}
		switch cmd.Kind {
		case KindIdentity:
			if p, ok := parts[0]; ok && !p.missing {
				fqdn = strings.TrimSpace(string(p.data))
			}
		case KindRegExport:
			var exports [][]byte
			absent := 0 // keys the server says do not exist
			for k, key := range cmd.Keys {
				p, ok := parts[k]
				switch {
				case !ok:
					errs = append(errs, fmt.Sprintf("%s: %s: no output for %s: truncated", t, what, key))
				case p.missing && p.why == whyKeyNotFound:
					absent++
				case p.missing:
					errs = append(errs, fmt.Sprintf("%s: %s: %s: %s", t, what, key, p.why))
				default:
					exports = append(exports, p.data)
				}
			}
			switch {
			case len(exports) > 0:
				merged, err := mergeRegExports(exports)
				if err != nil {
					errs = append(errs, fmt.Sprintf("%s: %s: %v", t, what, err))
				}
				files[cmd.Files[0]] = merged
			case cmd.AbsentAsEmptyExport && absent == len(cmd.Keys):
				// Only when every key is known to be absent, not when an
				// export failed: that would read as "not installed".
				files[cmd.Files[0]] = emptyRegExport()
			}
		default:
			for k, name := range cmd.Files {
				if p, ok := parts[k]; ok && !p.missing {
					files[name] = p.data
				} else if ok && strings.HasPrefix(p.why, "over the size limit") {
					errs = append(errs, fmt.Sprintf("%s: %s: %s", t, name, p.why))
				}
			}
		}
	}
	files["manifest.txt"] = manifest(t, fqdn, o.now())
	return files, errs, nil
}

// PartialError is the error of a host whose collection stopped after some
// evidence was read: the evidence is kept (the collector run is marked
// incomplete) and Err says why the rest is missing.
type PartialError struct{ Err error }

func (e *PartialError) Error() string { return e.Err.Error() + " (the evidence read before is kept)" }
func (e *PartialError) Unwrap() error { return e.Err }

// oneLine joins the lines of s with spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// manifest is the generated manifest.txt of a server; notes are
// not_collected lines (path: reason) for the files not read.
func manifest(t Target, fqdn string, at time.Time, notes ...string) []byte {
	var b strings.Builder
	b.WriteString("# written by supaudit's WinRM collector (collectors/winrm); see docs/winrm.md\n")
	fmt.Fprintf(&b, "host=%s\n", t.Host)
	if fqdn != "" && !strings.ContainsAny(fqdn, "\r\n=") {
		fmt.Fprintf(&b, "fqdn=%s\n", fqdn)
	}
	fmt.Fprintf(&b, "collected_at=%s\n", at.UTC().Format(time.RFC3339))
	fmt.Fprintf(&b, "script_version=winrm-%s\n", Version)
	for _, n := range notes {
		fmt.Fprintf(&b, "not_collected=%s\n", n)
	}
	return []byte(b.String())
}

// hostErr words an error that stopped a host; outer is the collection's
// context, ctx the host's. A
// timeout names the timer that fired: the per-host deadline
// (--winrm-timeout) when ctx's deadline passed, else the one err names
// (per request, connect).
func hostErr(outer, ctx context.Context, err error, doing string, o *Options) error {
	switch {
	case outer.Err() != nil:
		return fmt.Errorf("%w while %s: %v", ErrInterrupted, doing, outer.Err())
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return fmt.Errorf("%w while %s: the per-host deadline of %s passed (--winrm-timeout)", ErrTimeout, doing, o.hostTimeout())
	}
	return fmt.Errorf("%s: %w", doing, err)
}

// whyKeyNotFound is the MISSING reason of a registry key that does not
// exist (KindRegExport scripts).
const whyKeyNotFound = "key not found"

var errCommandFailed = errors.New("command failed")

// run executes one command line in the shell and returns its standard
// output. The command is signalled to terminate when it fails, is
// abandoned or its output is over max.
func (c *client) run(ctx context.Context, shellID, line string, max int64) ([]byte, error) {
	resp, err := c.post(ctx, mzwinrm.NewExecuteCommandRequest(c.url, shellID, line, nil, c.params))
	if err != nil {
		return nil, err
	}
	var cmdID string
	err = parse(ctx, func() (err error) {
		cmdID, err = mzwinrm.ParseExecuteCommandResponse(resp)
		return err
	})
	if ctx.Err() != nil {
		return nil, fmt.Errorf("%w: %v", ErrTimeout, ctx.Err())
	}
	if err != nil || cmdID == "" {
		return nil, fmt.Errorf("%w: the Command response holds no CommandId", ErrProtocol)
	}
	done := false
	defer func() {
		if !done {
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			defer cancel()
			_, _ = c.post(sctx, mzwinrm.NewSignalRequest(c.url, shellID, cmdID, c.params))
		}
	}()
	stdout := &capWriter{max: max}
	stderr := &capWriter{max: 64 << 10}
	for {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrTimeout, err)
		}
		resp, err := c.post(ctx, mzwinrm.NewGetOutputRequest(c.url, shellID, cmdID, "stdout stderr", c.params))
		if errors.Is(err, errOperationTimeout) {
			continue // no output within OperationTimeout: ask again
		}
		if err != nil {
			return nil, err
		}
		var finished bool
		var code int
		err = parse(ctx, func() (err error) {
			finished, code, err = mzwinrm.ParseSlurpOutputErrResponse(resp, stdout, stderr)
			return err
		})
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%w: %v", ErrTimeout, ctx.Err())
		}
		if err != nil {
			return nil, fmt.Errorf("%w: Receive response: %v", ErrProtocol, err)
		}
		if stdout.over {
			return nil, fmt.Errorf("%w: the command wrote more than %d bytes (raise --winrm-max-output)", ErrOutputTooLarge, max)
		}
		if finished {
			done = true
			if code != 0 {
				return nil, fmt.Errorf("%w: exit code %d: %s", errCommandFailed, code, stderrText(stderr.buf.Bytes()))
			}
			return stdout.buf.Bytes(), nil
		}
	}
}

var reCLIXMLError = regexp.MustCompile(`(?s)<S S="Error">(.*?)</S>`)

// stderrText is a short, readable form of a command's standard error
// (PowerShell writes CLIXML over WinRM).
func stderrText(b []byte) string {
	s := string(b)
	if strings.HasPrefix(s, "#< CLIXML") {
		var parts []string
		for _, m := range reCLIXMLError.FindAllStringSubmatch(s, 10) {
			parts = append(parts, strings.ReplaceAll(html.UnescapeString(m[1]), "_x000D__x000A_", " "))
		}
		s = strings.Join(parts, "")
	}
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	if s == "" {
		s = "(no error text)"
	}
	return s
}
