package history

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/supaudit/supaudit/internal/clock"
	"github.com/supaudit/supaudit/report"
	"github.com/supaudit/supaudit/results"
)

// SQL is a history store in a SQL database: SQLite or PostgreSQL, with the
// same schema and the same queries (written with ? placeholders, rebound to
// $n for PostgreSQL).
type SQL struct {
	db   *sql.DB
	d    dialect
	name string
	// Now is the clock for recorded_at; nil means clock.Wall.
	Now func() time.Time
}

// dialect is what differs between the engines: the placeholder style, the
// statement that serialises migrations, and how a busy or conflicting
// write is recognised.
type dialect struct {
	name Kind
	// numbered rewrites ? to $1, $2, ...
	numbered bool
	// migrateLock, run first in the migration transaction, makes
	// concurrent migrations wait for each other ("" when BEGIN already
	// does, as SQLite's BEGIN IMMEDIATE).
	migrateLock string
	// busy recognises a transient "database is locked" error, after which
	// the whole transaction is tried again (nil: never).
	busy func(error) bool
}

// bind rewrites a query's ? placeholders for the dialect.
func (d dialect) bind(q string) string {
	if !d.numbered {
		return q
	}
	var b strings.Builder
	n := 0
	for _, c := range q {
		if c == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Name is the store's location for messages (a PostgreSQL URL without its
// password).
func (s *SQL) Name() string { return s.name }

// DB is the database handle (for tests and benchmarks).
func (s *SQL) DB() *sql.DB { return s.db }

// Close implements Store.
func (s *SQL) Close() error { return s.db.Close() }

func (s *SQL) now() time.Time { return clock.Or(s.Now)() }

func (s *SQL) wrap(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("history %s: %w", s.name, err)
}

// NewRunID names a run by its UTC time (milliseconds, so that ids sort by
// time) and 8 random hex digits: 20261125T120000.000Z-3f2a9c1d.
func NewRunID(at time.Time) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return at.UTC().Format("20060102T150405.000Z") + "-" + hex.EncodeToString(b[:])
}

// Record implements Store: the run, its snapshots, its results (without
// evidence) and its waivers in one transaction.
func (s *SQL) Record(ctx context.Context, run *report.Report, ws []report.WaiverRecord) (string, error) {
	id := NewRunID(run.GeneratedAt)
	if err := s.RecordID(ctx, id, run, ws); err != nil {
		return "", err
	}
	return id, nil
}

// ErrExists is returned by RecordID for a run id the store already has.
var ErrExists = errors.New("run already recorded")

// batchRows is how many rows one INSERT carries (under SQLite's and
// PostgreSQL's parameter limits for the widest table).
const batchRows = 200

// RecordID records run under id (the importer keeps the file's name, so
// that importing twice adds nothing: ErrExists).
func (s *SQL) RecordID(ctx context.Context, id string, run *report.Report, ws []report.WaiverRecord) error {
	return s.retry(ctx, func() error { return s.recordID(ctx, id, run, ws) })
}

func (s *SQL) recordID(ctx context.Context, id string, run *report.Report, ws []report.WaiverRecord) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.wrap(err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, s.d.bind(`SELECT count(*) FROM runs WHERE id = ?`), id).Scan(&n); err != nil {
		return s.wrap(err)
	}
	if n > 0 {
		return fmt.Errorf("history %s: run %s: %w", s.name, id, ErrExists)
	}
	failOn := run.FailOn
	if failOn.Rank() == 0 {
		failOn = results.Fail
	}
	sum := report.SummarizeRun(id, run)
	errs, _ := json.Marshal(orEmpty(run.Errors))
	if _, err := tx.ExecContext(ctx, s.d.bind(`INSERT INTO runs (id, generated_at, recorded_at, tool_name, tool_version,
 fail_on, failed, sites, ready, n_fail, n_unknown, n_warn, n_manual, n_not_applicable, n_pass, n_waived, errors)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		id, unixMilli(run.GeneratedAt), unixMilli(s.now()), run.Tool.Name, run.Tool.Version, string(failOn), boolInt(run.Failed),
		sum.Sites, sum.Ready, sum.Summary[results.Fail], sum.Summary[results.Unknown], sum.Summary[results.Warn],
		sum.Summary[results.Manual], sum.Summary[results.NotApplicable], sum.Summary[results.Pass], sum.Summary[results.Waived],
		string(errs)); err != nil {
		return s.wrap(err)
	}
	if err := insertSnapshots(ctx, tx, s.d, id, 0, run.Snapshots, failOn); err != nil {
		return s.wrap(err)
	}
	if err := insertWaivers(ctx, tx, s.d, id, ws); err != nil {
		return s.wrap(err)
	}
	return s.wrap(tx.Commit())
}

// insertSnapshots writes snaps (numbered from first) and their results.
// Each site's ready flag is set for failOn; with failOn "" it is left 0
// for the Recorder's Finish to set.
func insertSnapshots(ctx context.Context, tx *sql.Tx, d dialect, id string, first int, snaps []report.SnapshotResults, failOn results.Status) error {
	sb := newBatch(tx, d, `INSERT INTO snapshots (run_id, ord, id, site, file, ready, n_fail, n_unknown, n_warn, n_manual,
 n_not_applicable, n_pass, n_waived) VALUES `, 13)
	rb := newBatch(tx, d, `INSERT INTO results (run_id, snap_ord, ord, step, title, status, severity, subject, message,
 remediation, more_information, waiver) VALUES `, 12)
	for i, snap := range snaps {
		ss := results.Summarize(snap.Results)
		ready := 0
		if failOn != "" {
			ready = boolInt(ss.Ready(failOn))
		}
		if err := sb.add(ctx, id, first+i, snap.ID, report.SiteCode(snap), snap.File, ready,
			ss[results.Fail], ss[results.Unknown], ss[results.Warn], ss[results.Manual], ss[results.NotApplicable],
			ss[results.Pass], ss[results.Waived]); err != nil {
			return err
		}
	}
	if err := sb.flush(ctx); err != nil {
		return err
	}
	for i, snap := range snaps {
		for j, r := range snap.Results {
			rem, _ := json.Marshal(orEmpty(r.Remediation))
			w := ""
			if r.Waiver != nil {
				b, _ := json.Marshal(r.Waiver)
				w = string(b)
			}
			if err := rb.add(ctx, id, first+i, j, r.Step, r.Title, string(r.Status), r.Severity, r.Subject, r.Message,
				string(rem), r.MoreInformation, w); err != nil {
				return err
			}
		}
	}
	return rb.flush(ctx)
}

// insertWaivers writes a run's waiver register.
func insertWaivers(ctx context.Context, tx *sql.Tx, d dialect, id string, ws []report.WaiverRecord) error {
	wb := newBatch(tx, d, `INSERT INTO waivers (run_id, ord, step, subject, snapshot, reason, approved_by, expires, used) VALUES `, 9)
	for i, w := range ws {
		if err := wb.add(ctx, id, i, w.Step, w.Subject, w.Snapshot, w.Reason, w.ApprovedBy, w.Expires, w.Used); err != nil {
			return err
		}
	}
	return wb.flush(ctx)
}

// batch collects rows into multi-row INSERTs of batchRows rows.
type batch struct {
	tx     *sql.Tx
	d      dialect
	prefix string
	cols   int
	args   []any
	stmts  map[int]*sql.Stmt
}

func newBatch(tx *sql.Tx, d dialect, prefix string, cols int) *batch {
	return &batch{tx: tx, d: d, prefix: prefix, cols: cols, stmts: map[int]*sql.Stmt{}}
}

func (b *batch) add(ctx context.Context, vals ...any) error {
	b.args = append(b.args, vals...)
	if len(b.args) >= batchRows*b.cols {
		return b.flush(ctx)
	}
	return nil
}

func (b *batch) flush(ctx context.Context) error {
	rows := len(b.args) / b.cols
	if rows == 0 {
		return nil
	}
	st := b.stmts[rows]
	if st == nil {
		row := "(" + strings.TrimSuffix(strings.Repeat("?, ", b.cols), ", ") + ")"
		q := b.prefix + strings.TrimSuffix(strings.Repeat(row+", ", rows), ", ")
		var err error
		if st, err = b.tx.PrepareContext(ctx, b.d.bind(q)); err != nil {
			return err
		}
		b.stmts[rows] = st
	}
	_, err := st.ExecContext(ctx, b.args...)
	b.args = b.args[:0]
	return err
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// runRow is one row of runs.
type runRow struct {
	sum     report.RunSummary
	tool    report.Tool
	failed  bool
	errors  []string
	summary results.Summary
}

const runCols = `id, generated_at, fail_on, failed, tool_name, tool_version, sites, ready, n_fail, n_unknown, n_warn, n_manual,
 n_not_applicable, n_pass, n_waived, errors`

func scanRun(sc interface{ Scan(...any) error }) (runRow, error) {
	var r runRow
	var at int64
	var failOn, errs string
	var failed int
	c := make([]int, 7)
	if err := sc.Scan(&r.sum.ID, &at, &failOn, &failed, &r.tool.Name, &r.tool.Version, &r.sum.Sites, &r.sum.Ready,
		&c[0], &c[1], &c[2], &c[3], &c[4], &c[5], &c[6], &errs); err != nil {
		return r, err
	}
	r.sum.GeneratedAt = fromMilli(at)
	r.sum.FailOn = results.Status(failOn)
	r.failed = failed != 0
	r.sum.Summary = countsSummary(c)
	if err := json.Unmarshal([]byte(errs), &r.errors); err != nil {
		return r, fmt.Errorf("run %s: errors: %w", r.sum.ID, err)
	}
	r.sum.Errors = len(r.errors)
	return r, nil
}

// countsSummary builds a Summary from the n_* columns in schema order.
func countsSummary(c []int) results.Summary {
	s := results.Summarize(nil)
	for i, st := range []results.Status{results.Fail, results.Unknown, results.Warn, results.Manual,
		results.NotApplicable, results.Pass, results.Waived} {
		s[st] = c[i]
	}
	if s[results.Waived] == 0 {
		delete(s, results.Waived)
	}
	return s
}

// Load implements Store.
func (s *SQL) Load(ctx context.Context, q Query) (*report.History, error) {
	since := int64(-1 << 62)
	if !q.Since.IsZero() {
		since = unixMilli(q.Since)
	}
	rows, err := s.db.QueryContext(ctx, s.d.bind(`SELECT `+runCols+` FROM runs WHERE complete = 1 AND generated_at >= ?
 ORDER BY generated_at DESC, id DESC LIMIT ?`), since, q.maxRuns())
	if err != nil {
		return nil, s.wrap(err)
	}
	var runs []runRow
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			rows.Close()
			return nil, s.wrap(err)
		}
		runs = append(runs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, s.wrap(err)
	}
	if len(runs) == 0 {
		return nil, fmt.Errorf("history %s: no runs%s (keep runs with supaudit check --history %s)", s.name, queryNote(q), s.name)
	}
	slices.Reverse(runs)
	h := &report.History{Query: q.HistoryQuery}
	if q.Site != "" || q.Step != "" {
		if err := s.narrowTrend(ctx, q, since, runs); err != nil {
			return nil, s.wrap(err)
		}
	}
	for _, r := range runs {
		h.Runs = append(h.Runs, r.sum)
	}
	if h.Latest, err = s.loadRun(ctx, runs[len(runs)-1], q); err != nil {
		return nil, s.wrap(err)
	}
	if len(runs) > 1 {
		if h.Previous, err = s.loadRun(ctx, runs[len(runs)-2], q); err != nil {
			return nil, s.wrap(err)
		}
	}
	if len(h.Latest.Snapshots) == 0 && q.Site != "" {
		return nil, fmt.Errorf("history %s: the latest run has no site %q", s.name, q.Site)
	}
	if h.Waivers, err = s.loadWaivers(ctx, runs[len(runs)-1].sum.ID, q); err != nil {
		return nil, s.wrap(err)
	}
	return h, nil
}

func queryNote(q Query) string {
	if q.Since.IsZero() {
		return ""
	}
	return " since " + q.Since.UTC().Format(time.DateOnly)
}

// siteWhere narrows snapshots s to the query's site: its code (upper case)
// or its snapshot id.
func siteWhere(q Query) (string, []any) {
	if q.Site == "" {
		return "", nil
	}
	return ` AND (s.site = ? OR s.id = ?)`, []any{strings.ToUpper(q.Site), q.Site}
}

// stepWhere narrows results res to the query's step (as given, or upper
// case).
func stepWhere(q Query) (string, []any) {
	if q.Step == "" {
		return "", nil
	}
	return ` AND res.step IN (?, ?)`, []any{q.Step, strings.ToUpper(q.Step)}
}

// narrowTrend recomputes each run's sites, ready sites and counts for the
// query's site and step.
func (s *SQL) narrowTrend(ctx context.Context, q Query, since int64, runs []runRow) error {
	idx := map[string]int{}
	for i := range runs {
		idx[runs[i].sum.ID] = i
		runs[i].sum.Sites, runs[i].sum.Ready = 0, 0
		runs[i].sum.Summary = results.Summarize(nil)
	}
	sw, sargs := siteWhere(q)
	if q.Step == "" {
		rows, err := s.db.QueryContext(ctx, s.d.bind(`SELECT s.run_id, s.ready, s.n_fail, s.n_unknown, s.n_warn, s.n_manual,
 s.n_not_applicable, s.n_pass, s.n_waived FROM snapshots s JOIN runs r ON r.id = s.run_id WHERE r.generated_at >= ?`+sw),
			append([]any{since}, sargs...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			var ready int
			c := make([]int, 7)
			if err := rows.Scan(&id, &ready, &c[0], &c[1], &c[2], &c[3], &c[4], &c[5], &c[6]); err != nil {
				return err
			}
			i, ok := idx[id]
			if !ok {
				continue
			}
			runs[i].sum.Sites++
			runs[i].sum.Ready += ready
			runs[i].sum.Summary.Add(countsSummary(c))
		}
		return rows.Err()
	}
	stw, stargs := stepWhere(q)
	args := append(append([]any{since}, sargs...), stargs...)
	rows, err := s.db.QueryContext(ctx, s.d.bind(`SELECT res.run_id, res.snap_ord, res.status FROM results res
 JOIN snapshots s ON s.run_id = res.run_id AND s.ord = res.snap_ord JOIN runs r ON r.id = res.run_id
 WHERE r.generated_at >= ?`+sw+stw+` ORDER BY res.run_id, res.snap_ord`), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	type key struct {
		run  int
		snap int
	}
	per := map[key]results.Summary{}
	for rows.Next() {
		var id, status string
		var snap int
		if err := rows.Scan(&id, &snap, &status); err != nil {
			return err
		}
		i, ok := idx[id]
		if !ok {
			continue
		}
		k := key{i, snap}
		if per[k] == nil {
			per[k] = results.Summary{}
		}
		per[k][results.Status(status)]++
		runs[i].sum.Summary[results.Status(status)]++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for k, sum := range per {
		r := &runs[k.run].sum
		r.Sites++
		if sum.Ready(r.FailOn) {
			r.Ready++
		}
	}
	return nil
}

// loadRun reads one run's snapshots and results, narrowed to q.
func (s *SQL) loadRun(ctx context.Context, run runRow, q Query) (*report.Report, error) {
	sw, sargs := siteWhere(q)
	rows, err := s.db.QueryContext(ctx, s.d.bind(`SELECT s.ord, s.id, s.file FROM snapshots s WHERE s.run_id = ?`+sw+` ORDER BY s.ord`),
		append([]any{run.sum.ID}, sargs...)...)
	if err != nil {
		return nil, err
	}
	var snaps []report.SnapshotResults
	ordIdx := map[int]int{}
	for rows.Next() {
		var ord int
		var snap report.SnapshotResults
		if err := rows.Scan(&ord, &snap.ID, &snap.File); err != nil {
			rows.Close()
			return nil, err
		}
		ordIdx[ord] = len(snaps)
		snaps = append(snaps, snap)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	stw, stargs := stepWhere(q)
	rows, err = s.db.QueryContext(ctx, s.d.bind(`SELECT res.snap_ord, res.step, res.title, res.status, res.severity, res.subject,
 res.message, res.remediation, res.more_information, res.waiver FROM results res WHERE res.run_id = ?`+stw+` ORDER BY res.snap_ord, res.ord`),
		append([]any{run.sum.ID}, stargs...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var ord int
		var r results.Result
		var status, rem, waiver string
		if err := rows.Scan(&ord, &r.Step, &r.Title, &status, &r.Severity, &r.Subject, &r.Message, &rem, &r.MoreInformation, &waiver); err != nil {
			return nil, err
		}
		i, ok := ordIdx[ord]
		if !ok {
			continue
		}
		r.Status = results.Status(status)
		r.Snapshot, r.File = snaps[i].ID, snaps[i].File
		if err := json.Unmarshal([]byte(rem), &r.Remediation); err != nil {
			return nil, fmt.Errorf("run %s: remediation: %w", run.sum.ID, err)
		}
		if waiver != "" {
			r.Waiver = &results.Waiver{}
			if err := json.Unmarshal([]byte(waiver), r.Waiver); err != nil {
				return nil, fmt.Errorf("run %s: waiver: %w", run.sum.ID, err)
			}
		}
		snaps[i].Results = append(snaps[i].Results, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rep := report.New(run.tool, run.sum.GeneratedAt, run.sum.FailOn, snaps, run.errors)
	// The query chose the sites already (by the site code recorded with
	// each snapshot: its results here may be one step's only).
	return report.Narrow(rep, report.HistoryQuery{Step: q.Step}), nil
}

// loadWaivers reads a run's waiver register (the waivers of the query's
// step, when it names one).
func (s *SQL) loadWaivers(ctx context.Context, runID string, q Query) ([]report.WaiverRecord, error) {
	rows, err := s.db.QueryContext(ctx, s.d.bind(`SELECT step, subject, snapshot, reason, approved_by, expires, used
 FROM waivers WHERE run_id = ? ORDER BY ord`), runID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []report.WaiverRecord
	for rows.Next() {
		var w report.WaiverRecord
		if err := rows.Scan(&w.Step, &w.Subject, &w.Snapshot, &w.Reason, &w.ApprovedBy, &w.Expires, &w.Used); err != nil {
			return nil, err
		}
		if q.Step != "" && !strings.EqualFold(w.Step, q.Step) {
			continue
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// redact drops the password from a connection URL.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "postgres://…"
	}
	if u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.String()
}
