package report

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/supaudit/supaudit/internal/capread"
	"github.com/supaudit/supaudit/results"
)

// DefaultMaxHistoryFile caps one history file read by LoadHistory (64 MiB).
const DefaultMaxHistoryFile = 64 << 20

// DefaultMaxHistoryRuns caps the runs LoadHistory reads (the newest are
// kept).
const DefaultMaxHistoryRuns = 1000

// WriteHistory keeps a run in dir as one JSON report (supaudit/report/v1)
// named by the run's UTC time and a short hash of its content, such as
// 20261125T120000.000Z-3f2a9c1d.json (milliseconds, so that names sort
// by time), written atomically. It returns the path.
func WriteHistory(ctx context.Context, dir string, r *Report) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("history %s: %w", dir, err)
	}
	var buf bytes.Buffer
	if err := (&JSON{W: &buf}).Report(ctx, r); err != nil {
		return "", fmt.Errorf("history %s: %w", dir, err)
	}
	sum := sha256.Sum256(buf.Bytes())
	name := r.GeneratedAt.UTC().Format("20060102T150405.000Z") + "-" + hex.EncodeToString(sum[:4]) + ".json"
	path := filepath.Join(dir, name)
	if err := WriteFileAtomic(path, func(w io.Writer) error {
		_, err := w.Write(buf.Bytes())
		return err
	}); err != nil {
		return "", err
	}
	return path, nil
}

// DefaultMaxHistoryTotal caps the bytes LoadHistory reads in all (1 GiB).
const DefaultMaxHistoryTotal = 1 << 30

// HistoryOptions bound LoadHistory.
type HistoryOptions struct {
	// MaxTotal caps the bytes read over all files; 0 means
	// DefaultMaxHistoryTotal.
	MaxTotal int64
	// MaxFile caps one file; 0 means DefaultMaxHistoryFile.
	MaxFile int64
	// MaxRuns caps the runs kept (the newest); 0 means DefaultMaxHistoryRuns.
	MaxRuns int
}

// LoadHistory reads every JSON report (**/*.json) below dir and returns
// them sorted by generated_at (oldest first), without the results'
// evidence. A file that is not a
// supaudit/report/v1 report is an error naming the file.
func LoadHistory(ctx context.Context, dir string, opts HistoryOptions) ([]*Report, error) {
	if opts.MaxFile <= 0 {
		opts.MaxFile = DefaultMaxHistoryFile
	}
	if opts.MaxRuns <= 0 {
		opts.MaxRuns = DefaultMaxHistoryRuns
	}
	if opts.MaxTotal <= 0 {
		opts.MaxTotal = DefaultMaxHistoryTotal
	}
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("history %s: %w", dir, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("history %s: not a directory", dir)
	}
	matches, err := doublestar.Glob(os.DirFS(dir), "**/*.json", doublestar.WithFilesOnly())
	if err != nil {
		return nil, fmt.Errorf("history %s: %w", dir, err)
	}
	if len(matches) == 0 {
		return nil, fmt.Errorf("history %s: no *.json run files (write them with supaudit check --history %s)", dir, dir)
	}
	sort.Strings(matches)
	if len(matches) > opts.MaxRuns {
		// Names start with the UTC time, so the last ones are the newest.
		matches = matches[len(matches)-opts.MaxRuns:]
	}
	var total int64
	paths := make([]string, len(matches))
	for i, m := range matches {
		paths[i] = filepath.Join(dir, filepath.FromSlash(m))
		if st, err := os.Stat(paths[i]); err == nil {
			total += st.Size()
			if total > opts.MaxTotal {
				return nil, fmt.Errorf("history %s: more than %d bytes of runs (read fewer with --max-runs)", dir, opts.MaxTotal)
			}
		}
	}
	// Decode on all cores, without the evidence (the history reports do
	// not show it and it is most of the allocations).
	runs := make([]*Report, len(paths))
	errs := make([]error, len(paths))
	next := make(chan int)
	var wg sync.WaitGroup
	workers := min(runtime.GOMAXPROCS(0), len(paths))
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				runs[i], errs[i] = readHistoryFile(ctx, paths[i], opts.MaxFile)
			}
		}()
	}
	for i := range paths {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	sort.SliceStable(runs, func(i, j int) bool { return runs[i].GeneratedAt.Before(runs[j].GeneratedAt) })
	return runs, nil
}

// historyRun is a JSON report decoded without evidence.
type historyRun struct {
	Report
	Snapshots []struct {
		ID      string `json:"id"`
		File    string `json:"file"`
		Results []struct {
			results.Result
			Evidence skipJSON `json:"evidence"`
		} `json:"results"`
	} `json:"snapshots"`
}

// skipJSON decodes any JSON value into nothing.
type skipJSON struct{}

// UnmarshalJSON implements json.Unmarshaler.
func (*skipJSON) UnmarshalJSON([]byte) error { return nil }

// readHistoryFile reads one kept run, leaving out the results' evidence.
func readHistoryFile(ctx context.Context, path string, max int64) (*Report, error) {
	data, err := readCapped(ctx, path, max)
	if err != nil {
		return nil, err
	}
	var h historyRun
	if err := json.Unmarshal(data, &h); err != nil {
		return nil, fmt.Errorf("report %s: %w", path, err)
	}
	if h.Schema != SchemaV1 {
		return nil, fmt.Errorf("report %s: schema %q, want %q", path, h.Schema, SchemaV1)
	}
	r := h.Report
	r.Snapshots = make([]SnapshotResults, len(h.Snapshots))
	for i, s := range h.Snapshots {
		rs := make([]results.Result, len(s.Results))
		for j, x := range s.Results {
			rs[j] = x.Result
		}
		r.Snapshots[i] = SnapshotResults{ID: s.ID, File: s.File, Summary: results.Summarize(rs), Results: rs}
	}
	return &r, nil
}

func readCapped(ctx context.Context, path string, max int64) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	data, err := capread.File(path, max)
	if err != nil {
		return nil, fmt.Errorf("report %s: %w", path, err)
	}
	return data, nil
}

// ReadReportFile reads one JSON report (supaudit/report/v1), at most max
// bytes.
func ReadReportFile(ctx context.Context, path string, max int64) (*Report, error) {
	data, err := readCapped(ctx, path, max)
	if err != nil {
		return nil, err
	}
	return ParseReport(path, data)
}

// ParseReport decodes a JSON report; name is used in errors.
func ParseReport(name string, data []byte) (*Report, error) {
	var r Report
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("report %s: %w", name, err)
	}
	if r.Schema != SchemaV1 {
		return nil, fmt.Errorf("report %s: schema %q, want %q", name, r.Schema, SchemaV1)
	}
	return &r, nil
}
