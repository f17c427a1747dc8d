package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/supaudit/supaudit/collectors/bundle"
	"github.com/supaudit/supaudit/collectors/winrm"
	"github.com/supaudit/supaudit/internal/capread"
)

// Environment variables holding the WinRM credentials.
const (
	envWinRMUser     = "SUPAUDIT_WINRM_USER"
	envWinRMPassword = "SUPAUDIT_WINRM_PASSWORD"
)

// winrmFlags are the WinRM flags of collect and scan (docs/winrm.md).
type winrmFlags struct {
	cmd          *cobra.Command
	hosts        []string
	all          bool
	port         int
	https        bool
	caFile       string
	insecure     bool
	auth         string
	user         string
	passwordFile string
	connectTO    time.Duration
	operationTO  time.Duration
	hostTO       time.Duration
	concurrency  int
	maxOutput    int64
	saveBundle   string
}

func (w *winrmFlags) register(cmd *cobra.Command) {
	w.cmd = cmd
	f := cmd.Flags()
	f.StringArrayVar(&w.hosts, "winrm", nil, "collect over WinRM from this server (host or host:port; repeatable) instead of --bundle; see docs/winrm.md")
	f.BoolVar(&w.all, "winrm-all", false, "collect over WinRM from every server of --inventory (its site server and SUPs)")
	f.IntVar(&w.port, "winrm-port", 0, "WinRM port for servers given without one (default 5985, or 5986 with --https)")
	f.BoolVar(&w.https, "https", false, "WinRM over HTTPS (default port 5986) instead of HTTP (5985)")
	f.StringVar(&w.caFile, "winrm-ca-file", "", "PEM file of the CA(s) trusted for WinRM over HTTPS (default: --ca-file where the command has it, else the system roots)")
	f.BoolVar(&w.insecure, "insecure-skip-verify", false, "do not verify the WinRM server's certificate (not recommended)")
	f.StringVar(&w.auth, "winrm-auth", winrm.AuthNTLM, "WinRM authentication: ntlm or basic (basic only with --https)")
	f.StringVar(&w.user, "winrm-user", "", "WinRM user, DOMAIN\\user or user@domain (default: $"+envWinRMUser+", else a prompt)")
	f.StringVar(&w.passwordFile, "password-file", "", "read the WinRM password from the first line of this file (default: $"+envWinRMPassword+", else a prompt)")
	f.DurationVar(&w.connectTO, "winrm-connect-timeout", winrm.DefaultConnectTimeout, "WinRM connect and TLS handshake timeout")
	f.DurationVar(&w.operationTO, "winrm-operation-timeout", winrm.DefaultOperationTimeout, "WS-Management OperationTimeout of each request")
	f.DurationVar(&w.hostTO, "winrm-timeout", winrm.DefaultHostTimeout, "deadline for everything done with one server")
	f.IntVar(&w.concurrency, "winrm-concurrency", winrm.DefaultConcurrency, "servers collected at once over WinRM")
	f.Int64Var(&w.maxOutput, "winrm-max-output", winrm.DefaultMaxOutput, "largest output of one remote command, in bytes")
	f.StringVar(&w.saveBundle, "save-bundle", "", "also write the raw WinRM evidence to this folder, in the evidence-bundle layout (audit trail)")
}

// enabled reports whether WinRM collection was asked for.
func (w *winrmFlags) enabled() bool { return len(w.hosts) > 0 || w.all }

// password returns the WinRM password: --password-file, the environment,
// or a prompt on the terminal. It is never put in an error message.
func (w *winrmFlags) password(e *env) (string, error) {
	if w.passwordFile != "" {
		f, err := os.Open(w.passwordFile)
		if err != nil {
			return "", fmt.Errorf("--password-file %s: %w", w.passwordFile, errors.Unwrap(err))
		}
		defer f.Close()
		line, err := bufio.NewReader(io.LimitReader(f, 4096)).ReadString('\n')
		if err != nil && err != io.EOF {
			return "", fmt.Errorf("--password-file %s: cannot read it", w.passwordFile)
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			return "", fmt.Errorf("--password-file %s: the first line is empty", w.passwordFile)
		}
		return line, nil
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

func (w *winrmFlags) username(e *env) (string, error) {
	if w.user != "" {
		return w.user, nil
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

// collector is the WinRM collector the flags ask for (its options,
// credentials and progress bar).
func (w *winrmFlags) collector(e *env, b *bundleFlags) (*winrm.Collector, error) {
	hosts := append([]string(nil), w.hosts...)
	if w.all {
		more, err := b.probe.inventoryHosts()
		if err != nil {
			return nil, usageError(err)
		}
		hosts = append(hosts, more...)
	}
	for _, l := range []struct {
		flag string
		v    int64
	}{{"--winrm-max-output", w.maxOutput}, {"--winrm-concurrency", int64(w.concurrency)}, {"--winrm-connect-timeout", int64(w.connectTO)}, {"--winrm-operation-timeout", int64(w.operationTO)}, {"--winrm-timeout", int64(w.hostTO)}} {
		if err := positive(l.flag, l.v); err != nil {
			return nil, err
		}
	}
	if w.port < 0 || w.port > 65535 {
		return nil, usageError(fmt.Errorf("--winrm-port %d: want 1-65535", w.port))
	}
	var targets []winrm.Target
	for _, h := range hosts {
		t, err := winrm.ParseTarget(h)
		if err != nil {
			return nil, usageError(fmt.Errorf("--winrm: %w", err))
		}
		if t.Port == 0 {
			t.Port = w.port
		}
		targets = append(targets, t)
	}
	if len(targets) == 0 {
		return nil, usageError(errors.New("--winrm-all: the inventory lists no server"))
	}
	bopts, err := b.options(e)
	if err != nil {
		return nil, err
	}
	opts := winrm.Options{
		HTTPS: w.https, InsecureSkipVerify: w.insecure, Auth: w.auth,
		ConnectTimeout: w.connectTO, OperationTimeout: w.operationTO, HostTimeout: w.hostTO,
		Concurrency: w.concurrency, MaxOutput: w.maxOutput,
		Bundle: bopts,
	}
	caFile, caFlag := w.caFile, "--winrm-ca-file"
	if shared := w.cmd.Flags().Lookup("ca-file"); caFile == "" && shared != nil && shared.Value.String() != "" {
		// --ca-file, where the command has it (the probe's), serves WinRM too.
		caFile, caFlag = shared.Value.String(), "--ca-file"
	}
	if caFile != "" {
		pem, err := capread.File(caFile, 16<<20)
		if err != nil {
			return nil, usageError(fmt.Errorf("%s %s: %w", caFlag, caFile, pathErr(err)))
		}
		opts.CAPEM = pem
	}
	if opts.User, err = w.username(e); err != nil {
		return nil, usageError(err)
	}
	if opts.Password, err = w.password(e); err != nil {
		return nil, usageError(err)
	}
	if isTerminal(e.stderr) {
		bar := progressbar.NewOptions(len(targets)*len(winrm.Commands),
			progressbar.OptionSetWriter(e.tty), progressbar.OptionSetDescription("winrm"),
			progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
		var mu sync.Mutex
		opts.Progress = func(string, int) {
			mu.Lock()
			defer mu.Unlock()
			_ = bar.Add(1)
		}
		defer bar.Finish()
	}
	c := &winrm.Collector{Targets: targets, Options: opts}
	if w.saveBundle != "" {
		// Checked before collecting (and again when writing): a new or
		// empty folder, so the saved bundle holds this run's files only.
		if err := bundle.CheckWritable(w.saveBundle); err != nil {
			return nil, usageError(fmt.Errorf("--save-bundle %w", err))
		}
		c.SaveEvidence = func(ctx context.Context, ev winrm.Evidence) error {
			if err := bundle.Write(ctx, w.saveBundle, ev); err != nil {
				return fmt.Errorf("--save-bundle %w; nothing was saved", err)
			}
			fmt.Fprintf(e.stderr, "supaudit: saved the raw evidence to %s\n", w.saveBundle)
			return nil
		}
	}
	return c, nil
}

// pathErr drops the os package's "open PATH:" prefix from err, for
// messages that name the path themselves.
func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
