package history

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/supaudit/supaudit/report"
	"github.com/supaudit/supaudit/results"
)

// Recorder keeps one run while it is judged: Snapshot for each judged
// snapshot (from one goroutine), then Finish. The rows are written in the
// background, in short transactions, so that the database work overlaps
// the judging and other runs are not kept waiting; the run stays invisible
// to readers (runs.complete = 0) until Finish has written its last piece.
type Recorder interface {
	Snapshot(s report.SnapshotResults) error
	Finish(ctx context.Context, h report.Header, tr report.Trailer, ws []report.WaiverRecord) (string, error)
}

// StaleAfter is how old an incomplete run (one whose process stopped
// before Finish) must be before Begin deletes it.
const StaleAfter = 24 * time.Hour

// streamBatch is how many snapshots one background transaction writes
// (about 1,600 results).
const streamBatch = 100

// Begin starts recording a run generated at at.
func (s *SQL) Begin(ctx context.Context, at time.Time) (Recorder, error) {
	id := NewRunID(at)
	now := s.now()
	err := s.retry(ctx, func() error {
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		// Runs whose process stopped before Finish.
		stale := `SELECT id FROM runs WHERE complete = 0 AND recorded_at < ?`
		for _, t := range []string{"results", "snapshots", "waivers"} {
			if _, err := tx.ExecContext(ctx, s.d.bind(`DELETE FROM `+t+` WHERE run_id IN (`+stale+`)`), unixMilli(now.Add(-StaleAfter))); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, s.d.bind(`DELETE FROM runs WHERE complete = 0 AND recorded_at < ?`), unixMilli(now.Add(-StaleAfter))); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.d.bind(`INSERT INTO runs (id, generated_at, recorded_at, tool_name, tool_version,
 fail_on, failed, sites, ready, n_fail, n_unknown, n_warn, n_manual, n_not_applicable, n_pass, n_waived, errors, complete)
 VALUES (?, ?, ?, '', '', 'fail', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '[]', 0)`), id, unixMilli(at), unixMilli(now)); err != nil {
			return err
		}
		return tx.Commit()
	})
	if err != nil {
		return nil, s.wrap(err)
	}
	r := &sqlRecorder{s: s, id: id, ctx: ctx, ch: make(chan report.SnapshotResults, 4*streamBatch), done: make(chan struct{})}
	go r.write()
	return r, nil
}

type sqlRecorder struct {
	s    *SQL
	id   string
	ctx  context.Context
	ch   chan report.SnapshotResults
	done chan struct{}
	// err is the background writer's first error (read after done).
	err error
	// closed is set by Finish.
	closed bool
}

// Snapshot implements Recorder.
func (r *sqlRecorder) Snapshot(s report.SnapshotResults) error {
	if r.closed {
		return fmt.Errorf("history %s: run %s: snapshot after Finish", r.s.name, r.id)
	}
	select {
	case r.ch <- s:
		return nil
	case <-r.done:
		return r.err
	}
}

// write is the background writer: batches of snapshots, one transaction
// each.
func (r *sqlRecorder) write() {
	defer close(r.done)
	ord := 0
	var batch []report.SnapshotResults
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := r.s.retry(r.ctx, func() error { return r.writeBatch(ord, batch) })
		ord += len(batch)
		batch = batch[:0]
		return err
	}
	for s := range r.ch {
		batch = append(batch, s)
		// Full batches only: each transaction prepares its statements.
		if len(batch) >= streamBatch {
			if err := flush(); err != nil {
				r.err = r.s.wrap(err)
				return
			}
		}
	}
	if err := flush(); err != nil {
		r.err = r.s.wrap(err)
	}
}

func (r *sqlRecorder) writeBatch(first int, snaps []report.SnapshotResults) error {
	ctx := r.ctx
	tx, err := r.s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := insertSnapshots(ctx, tx, r.s.d, r.id, first, snaps, ""); err != nil {
		return err
	}
	return tx.Commit()
}

// Finish implements Recorder: it waits for the background writer, sets
// each site's readiness for the run's --fail-on, the run's counts, errors
// and waiver register, and makes the run visible.
func (r *sqlRecorder) Finish(ctx context.Context, h report.Header, tr report.Trailer, ws []report.WaiverRecord) (string, error) {
	if !r.closed {
		r.closed = true
		close(r.ch)
	}
	<-r.done
	if r.err != nil {
		return "", r.err
	}
	failOn := h.FailOn
	if failOn.Rank() == 0 {
		failOn = results.Fail
	}
	var errs []string
	for _, e := range tr.Errors {
		errs = append(errs, e.Message)
	}
	ej, _ := json.Marshal(orEmpty(errs))
	err := r.s.retry(ctx, func() error {
		tx, err := r.s.db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		if _, err := tx.ExecContext(ctx, r.s.d.bind(`UPDATE snapshots SET ready = CASE WHEN `+atOrAbove(failOn)+` = 0 THEN 1 ELSE 0 END WHERE run_id = ?`), r.id); err != nil {
			return err
		}
		c := make([]int, 9)
		if err := tx.QueryRowContext(ctx, r.s.d.bind(`SELECT count(*), coalesce(sum(ready), 0), coalesce(sum(n_fail), 0), coalesce(sum(n_unknown), 0),
 coalesce(sum(n_warn), 0), coalesce(sum(n_manual), 0), coalesce(sum(n_not_applicable), 0), coalesce(sum(n_pass), 0), coalesce(sum(n_waived), 0)
 FROM snapshots WHERE run_id = ?`), r.id).Scan(&c[0], &c[1], &c[2], &c[3], &c[4], &c[5], &c[6], &c[7], &c[8]); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, r.s.d.bind(`UPDATE runs SET tool_name = ?, tool_version = ?, fail_on = ?, failed = ?, sites = ?, ready = ?,
 n_fail = ?, n_unknown = ?, n_warn = ?, n_manual = ?, n_not_applicable = ?, n_pass = ?, n_waived = ?, errors = ?, complete = 1 WHERE id = ?`),
			h.Tool.Name, h.Tool.Version, string(failOn), boolInt(tr.Failed), c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], string(ej), r.id); err != nil {
			return err
		}
		if err := insertWaivers(ctx, tx, r.s.d, r.id, ws); err != nil {
			return err
		}
		return tx.Commit()
	})
	if err != nil {
		return "", r.s.wrap(err)
	}
	return r.id, nil
}

// atOrAbove is the SQL sum of a snapshot's results at or above failOn.
func atOrAbove(failOn results.Status) string {
	var cols []string
	for _, c := range []struct {
		st  results.Status
		col string
	}{{results.Fail, "n_fail"}, {results.Unknown, "n_unknown"}, {results.Warn, "n_warn"}, {results.Manual, "n_manual"}} {
		if c.st.Rank() >= failOn.Rank() {
			cols = append(cols, c.col)
		}
	}
	return "(" + strings.Join(cols, " + ") + ")"
}
