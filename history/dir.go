package history

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/supaudit/supaudit/internal/capread"
	"github.com/supaudit/supaudit/output"
	"github.com/supaudit/supaudit/report"
	"github.com/supaudit/supaudit/results"
)

// MaxRunFile caps one run file in a folder store, written and read alike
// (1 GiB): Record refuses a larger run, so that Load reads back whatever
// Record wrote. A 10,000-snapshot run is about 112 MB.
const MaxRunFile = 1 << 30

// Dir is the folder of JSON runs (one supaudit/report/v1 file per run) that
// supaudit check --history DIR wrote before the database stores. It has no
// waiver table: the register comes from the waivers the results record.
// Load reads every file once, keeping only the trend entries and the two
// newest runs in memory.
type Dir struct {
	Path string
	// MaxFile caps one file; 0 means MaxRunFile.
	MaxFile int64
}

func (d *Dir) maxFile() int64 {
	if d.MaxFile <= 0 {
		return MaxRunFile
	}
	return d.MaxFile
}

// Close implements Store.
func (d *Dir) Close() error { return nil }

// Record implements Store: the run as one JSON report named by its UTC time
// and a short hash of its content, such as 20261125T120000.000Z-3f2a9c1d.json
// (milliseconds, so that names sort by time), written atomically. ws is not
// kept (the results record the waivers that applied). It returns the
// file's path.
func (d *Dir) Record(ctx context.Context, r *report.Report, _ []report.WaiverRecord) (string, error) {
	if err := os.MkdirAll(d.Path, 0o755); err != nil {
		return "", fmt.Errorf("history %s: %w", d.Path, err)
	}
	var buf bytes.Buffer
	if err := report.Render(ctx, &report.JSON{W: &buf}, r, nil); err != nil {
		return "", fmt.Errorf("history %s: %w", d.Path, err)
	}
	if int64(buf.Len()) > d.maxFile() {
		return "", fmt.Errorf("history %s: the run is %d bytes, more than a history file may hold (%d): use a database (--history history.db)", d.Path, buf.Len(), d.maxFile())
	}
	sum := sha256.Sum256(buf.Bytes())
	name := r.GeneratedAt.UTC().Format("20060102T150405.000Z") + "-" + hex.EncodeToString(sum[:4]) + ".json"
	path := filepath.Join(d.Path, name)
	if err := output.WriteFile(ctx, path, nil, func(w io.Writer) error {
		_, err := w.Write(buf.Bytes())
		return err
	}); err != nil {
		return "", err
	}
	return path, nil
}

// Files lists the run files (**/*.json) below the folder, sorted by name
// (the newest last).
func (d *Dir) Files() ([]string, error) {
	st, err := os.Stat(d.Path)
	if err != nil {
		return nil, fmt.Errorf("history %s: %w", d.Path, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("history %s: not a directory", d.Path)
	}
	matches, err := doublestar.Glob(os.DirFS(d.Path), "**/*.json", doublestar.WithFilesOnly())
	if err != nil {
		return nil, fmt.Errorf("history %s: %w", d.Path, err)
	}
	slices.Sort(matches)
	for i, m := range matches {
		matches[i] = filepath.Join(d.Path, filepath.FromSlash(m))
	}
	return matches, nil
}

// ReadRun reads one run file, without the results' evidence.
func (d *Dir) ReadRun(ctx context.Context, path string) (*report.Report, error) {
	return readRunFile(ctx, path, d.maxFile())
}

// RunID is the id of a run file: its name without .json.
func RunID(path string) string { return strings.TrimSuffix(filepath.Base(path), ".json") }

// Load implements Store. A file that cannot be read or is not a
// supaudit/report/v1 report is skipped with a warning naming it.
func (d *Dir) Load(ctx context.Context, q Query) (*report.History, error) {
	paths, err := d.Files()
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("history %s: no *.json run files (write them with supaudit check --history %s)", d.Path, d.Path)
	}
	type entry struct {
		sum report.RunSummary
		run *report.Report
	}
	entries := make([]*entry, len(paths))
	warns := make([]string, len(paths))
	// Decode on all cores; keep each run's summary, and the run itself only
	// while it may be one of the two newest.
	var mu sync.Mutex
	var newest []*entry
	keep := func(e *entry) {
		mu.Lock()
		defer mu.Unlock()
		newest = append(newest, e)
		slices.SortFunc(newest, func(a, b *entry) int { return b.sum.GeneratedAt.Compare(a.sum.GeneratedAt) })
		for _, x := range newest[min(2, len(newest)):] {
			x.run = nil
		}
		newest = newest[:min(2, len(newest))]
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(runtime.GOMAXPROCS(0), len(paths)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				r, err := readRunFile(ctx, paths[i], d.maxFile())
				if err != nil {
					if ctx.Err() == nil {
						warns[i] = fmt.Sprintf("history %s: skipped: %v", paths[i], unwrapReport(err, paths[i]))
					}
					continue
				}
				if !q.Since.IsZero() && r.GeneratedAt.Before(q.Since) {
					continue
				}
				r = report.Narrow(r, q.HistoryQuery)
				e := &entry{sum: report.SummarizeRun(RunID(paths[i]), r), run: r}
				entries[i] = e
				keep(e)
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
	h := &report.History{Query: q.HistoryQuery}
	for _, w := range warns {
		if w != "" {
			h.Warnings = append(h.Warnings, w)
		}
	}
	var kept []*entry
	for _, e := range entries {
		if e != nil {
			kept = append(kept, e)
		}
	}
	if len(kept) == 0 {
		if len(h.Warnings) > 0 {
			return nil, errors.New(strings.Join(h.Warnings, "; "))
		}
		return nil, fmt.Errorf("history %s: no runs%s", d.Path, queryNote(q))
	}
	slices.SortStableFunc(kept, func(a, b *entry) int { return a.sum.GeneratedAt.Compare(b.sum.GeneratedAt) })
	if n := q.maxRuns(); len(kept) > n {
		kept = kept[len(kept)-n:]
	}
	for _, e := range kept {
		h.Runs = append(h.Runs, e.sum)
	}
	n := len(kept)
	h.Latest = kept[n-1].run
	if n > 1 {
		h.Previous = kept[n-2].run
	}
	if h.Latest == nil || (n > 1 && h.Previous == nil) {
		// Two runs with the same generated_at: the sort above and keep's
		// disagree on which is newer; read them again.
		if h.Latest, err = d.reread(ctx, paths, kept[n-1].sum.ID, q); err != nil {
			return nil, err
		}
		if n > 1 {
			if h.Previous, err = d.reread(ctx, paths, kept[n-2].sum.ID, q); err != nil {
				return nil, err
			}
		}
	}
	if q.Site != "" && len(h.Latest.Snapshots) == 0 {
		return nil, fmt.Errorf("history %s: the latest run has no site %q", d.Path, q.Site)
	}
	h.Waivers = report.AppliedWaivers(h.Latest)
	return h, nil
}

func (d *Dir) reread(ctx context.Context, paths []string, id string, q Query) (*report.Report, error) {
	for _, p := range paths {
		if RunID(p) == id {
			r, err := readRunFile(ctx, p, d.maxFile())
			if err != nil {
				return nil, err
			}
			return report.Narrow(r, q.HistoryQuery), nil
		}
	}
	return nil, fmt.Errorf("history %s: run %s vanished", d.Path, id)
}

// unwrapReport drops the "report PATH: " prefix the warning already has.
func unwrapReport(err error, path string) string {
	return strings.TrimPrefix(err.Error(), "report "+path+": ")
}

// historyRun is a JSON report decoded without evidence.
type historyRun struct {
	report.Report
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

// readRunFile reads one kept run, leaving out the results' evidence.
func readRunFile(ctx context.Context, path string, max int64) (*report.Report, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	data, err := capread.File(path, max)
	if err != nil {
		return nil, fmt.Errorf("report %s: %w", path, err)
	}
	var h historyRun
	if err := json.Unmarshal(data, &h); err != nil {
		return nil, fmt.Errorf("report %s: %w", path, err)
	}
	if h.Schema != report.SchemaV1 {
		return nil, fmt.Errorf("report %s: schema %q, want %q", path, h.Schema, report.SchemaV1)
	}
	r := h.Report
	r.Snapshots = make([]report.SnapshotResults, len(h.Snapshots))
	for i, s := range h.Snapshots {
		rs := make([]results.Result, len(s.Results))
		for j, x := range s.Results {
			rs[j] = x.Result
			rs[j].Evidence = nil
		}
		r.Snapshots[i] = report.SnapshotResults{ID: s.ID, File: s.File, Summary: results.Summarize(rs), Results: rs}
	}
	return &r, nil
}

// waiverRecords is the register a run's results record.
func waiverRecords(r *report.Report) []report.WaiverRecord { return report.AppliedWaivers(r) }
