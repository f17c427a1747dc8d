package audit

import (
	"context"
	"runtime"
	"sync"

	"github.com/supaudit/supaudit/facts"
	"github.com/supaudit/supaudit/internal/capread"
	"github.com/supaudit/supaudit/policies"
	"github.com/supaudit/supaudit/report"
	"github.com/supaudit/supaudit/results"
)

// Judge judges snapshots with one compiled policy engine.
type Judge struct {
	Engine *policies.Engine
	// Answers attest the manual steps.
	Answers []facts.Answer
	// MaxSize caps a snapshot file's size; 0 means facts.DefaultMaxSize.
	MaxSize int64
	// Workers is the number of snapshots judged at once; 0 means
	// GOMAXPROCS.
	Workers int
	// Lines fills each snapshot's FactLines (the line of every fact in its
	// file), for the reports that point at lines (SARIF, GitHub).
	Lines bool
}

// Document judges one loaded snapshot; source names it in the report
// (its file, or what was collected). An error names the document already
// (Engine.Evaluate prefixes doc.File), as for Files.
func (j *Judge) Document(ctx context.Context, doc *facts.Document, source string) (report.SnapshotResults, error) {
	rs, err := j.Engine.Evaluate(ctx, doc, j.Answers)
	if err != nil {
		return report.SnapshotResults{}, err
	}
	return report.SnapshotResults{ID: doc.Snapshot.ID, File: source, Results: rs}, nil
}

// Files loads and judges the files on all cores and calls emit with each
// snapshot's results in file order. At most a small window of judged
// snapshots waits for an earlier one, so memory stays bounded whatever the
// number of files. Files that cannot be loaded or judged become one-line
// errors (returned, in file order), and the rest are still judged. When
// emit fails, or ctx ends, judging stops.
func (j *Judge) Files(ctx context.Context, files []string, emit func(report.SnapshotResults) error) []report.InputError {
	type out struct {
		snap report.SnapshotResults
		err  error
	}
	workers := j.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if workers > len(files) {
		workers = len(files)
	}
	window := 4 * workers
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	tokens := make(chan struct{}, window) // bounds judged-but-not-emitted snapshots
	next := make(chan int)
	done := make(chan int, window)
	outs := make([]*out, len(files))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				o := &out{}
				doc, err := facts.LoadFile(files[i], facts.Options{MaxSize: j.MaxSize})
				if err == nil {
					var rs []results.Result
					rs, err = j.Engine.Evaluate(ctx, doc, j.Answers)
					if err == nil {
						o.snap = report.SnapshotResults{ID: doc.Snapshot.ID, File: files[i], Results: rs}
						if j.Lines {
							o.snap.FactLines = j.factLines(files[i])
						}
					}
				}
				o.err = err
				mu.Lock()
				outs[i] = o
				mu.Unlock()
				done <- i
			}
		}()
	}
	go func() {
		defer close(next)
		for i := range files {
			select {
			case tokens <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case next <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() {
		wg.Wait()
		close(done)
	}()
	var errs []report.InputError
	emitted := 0
	for range done {
		for emitted < len(files) {
			mu.Lock()
			o := outs[emitted]
			outs[emitted] = nil
			mu.Unlock()
			if o == nil {
				break
			}
			emitted++
			<-tokens
			if o.err != nil {
				errs = append(errs, report.InputError{File: files[emitted-1], Message: o.err.Error()})
				continue
			}
			if ctx.Err() == nil {
				if err := emit(o.snap); err != nil {
					cancel()
				}
			}
		}
	}
	return errs
}

// factLines reads a judged file again for the lines of its facts; a file
// that changed since is only left without lines (results then point at
// line 1).
func (j *Judge) factLines(file string) map[string]int {
	max := j.MaxSize
	if max <= 0 {
		max = facts.DefaultMaxSize
	}
	data, err := capread.File(file, max)
	if err != nil {
		return nil
	}
	lines, err := facts.FactLines(data)
	if err != nil {
		return nil
	}
	return lines
}
