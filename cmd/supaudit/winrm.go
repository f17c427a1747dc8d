package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/supaudit/supaudit/collectors"
	"github.com/supaudit/supaudit/collectors/winrm"
	"github.com/supaudit/supaudit/facts"
)

// Environment variables holding the WinRM credentials.
const (
	envWinRMUser     = "SUPAUDIT_WINRM_USER"
	envWinRMPassword = "SUPAUDIT_WINRM_PASSWORD"
)

// registerWinRM adds the WinRM flags of collect and scan (docs/winrm.md).
func (b *bundleFlags) registerWinRM(cmd *cobra.Command) {
	w, f := &b.WinRM, cmd.Flags()
	f.StringArrayVar(&w.Hosts, "winrm", nil, "collect over WinRM from this server (host or host:port; repeatable) instead of --bundle; see docs/winrm.md")
	f.BoolVar(&w.All, "winrm-all", false, "collect over WinRM from every server of --inventory (its site server and SUPs)")
	f.IntVar(&w.Port, "winrm-port", 0, "WinRM port for servers given without one (default 5985, or 5986 with --https)")
	f.BoolVar(&w.Options.HTTPS, "https", false, "WinRM over HTTPS (default port 5986) instead of HTTP (5985)")
	f.StringVar(&w.CAFile, "winrm-ca-file", "", "PEM file of the CA(s) trusted for WinRM over HTTPS (default: --ca-file where the command has it, else the system roots)")
	f.BoolVar(&w.Options.InsecureSkipVerify, "insecure-skip-verify", false, "do not verify the WinRM server's certificate (not recommended)")
	f.StringVar(&w.Options.Auth, "winrm-auth", winrm.AuthNTLM, "WinRM authentication: ntlm or basic (basic only with --https)")
	f.StringVar(&b.user, "winrm-user", "", "WinRM user, DOMAIN\\user or user@domain (default: $"+envWinRMUser+", else a prompt)")
	f.StringVar(&b.passwordFile, "password-file", "", "read the WinRM password from the first line of this file (default: $"+envWinRMPassword+", else a prompt)")
	f.DurationVar(&w.Options.ConnectTimeout, "winrm-connect-timeout", winrm.DefaultConnectTimeout, "WinRM connect and TLS handshake timeout")
	f.DurationVar(&w.Options.OperationTimeout, "winrm-operation-timeout", winrm.DefaultOperationTimeout, "WS-Management OperationTimeout of each request")
	f.DurationVar(&w.Options.HostTimeout, "winrm-timeout", winrm.DefaultHostTimeout, "deadline for everything done with one server")
	f.IntVar(&w.Options.Concurrency, "winrm-concurrency", winrm.DefaultConcurrency, "servers collected at once over WinRM")
	f.Int64Var(&w.Options.MaxOutput, "winrm-max-output", winrm.DefaultMaxOutput, "largest output of one remote command, in bytes")
	f.StringVar(&w.SaveBundle, "save-bundle", "", "also write the raw WinRM evidence to this folder, in the evidence-bundle layout (audit trail)")
}

// password returns the WinRM password: --password-file
// (winrm.ReadPasswordFile), the environment, or a prompt on the terminal.
// It is never put in an error message.
func (b *bundleFlags) password(e *env) (string, error) {
	if b.passwordFile != "" {
		return winrm.ReadPasswordFile(b.passwordFile)
	}
	if p := os.Getenv(envWinRMPassword); p != "" {
		return p, nil
	}
	if f, ok := e.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(e.stderr, "WinRM password: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", errors.New("cannot read the password from the terminal")
		}
		return string(b), nil
	}
	return "", fmt.Errorf("no WinRM password: set $%s, use --password-file, or run on a terminal to be asked", envWinRMPassword)
}

func (b *bundleFlags) username(e *env) (string, error) {
	if b.user != "" {
		return b.user, nil
	}
	if u := os.Getenv(envWinRMUser); u != "" {
		return u, nil
	}
	if f, ok := e.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(e.stderr, "WinRM user (DOMAIN\\user): ")
		line, err := bufio.NewReader(io.LimitReader(f, 1024)).ReadString('\n')
		if u := strings.TrimSpace(line); u != "" && (err == nil || err == io.EOF) {
			return u, nil
		}
	}
	return "", fmt.Errorf("no WinRM user: set $%s or --winrm-user", envWinRMUser)
}

// winrmCollector is the WinRM collector the flags ask for
// (audit.Sources.WinRMCollector), with the credentials and, on a
// terminal, a progress bar.
//
// The bar is finished (and cleared) when the collection ends, which is
// also when a host failed before all its commands ran: the caller wraps
// the collector with finishing(c, finish).
func (b *bundleFlags) winrmCollector(e *env) (c *winrm.Collector, finish func(), err error) {
	finish = func() {}
	c, err = b.WinRMCollector()
	if err != nil {
		return nil, nil, usageError(err)
	}
	if c.Options.User, err = b.username(e); err != nil {
		return nil, nil, usageError(err)
	}
	if c.Options.Password, err = b.password(e); err != nil {
		return nil, nil, usageError(err)
	}
	if isTerminal(e.stderr) {
		bar := progressbar.NewOptions(len(c.Targets)*len(winrm.Commands),
			progressbar.OptionSetWriter(e.tty), progressbar.OptionSetDescription("winrm"),
			progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
		var mu sync.Mutex
		c.Options.Progress = func(string, int) {
			mu.Lock()
			defer mu.Unlock()
			_ = bar.Add(1)
		}
		finish = func() {
			mu.Lock()
			defer mu.Unlock()
			_ = bar.Finish()
		}
	}
	if err := b.SaveBundleTo(c, func(msg string) { fmt.Fprintf(e.stderr, "supaudit: %s\n", msg) }); err != nil {
		return nil, nil, usageError(err)
	}
	return c, finish, nil
}

// finishingCollector calls done when its collector's Collect returns.
type finishingCollector struct {
	collectors.Collector
	done func()
}

func (f finishingCollector) Collect(ctx context.Context) (*facts.Snapshot, error) {
	defer f.done()
	return f.Collector.Collect(ctx)
}
