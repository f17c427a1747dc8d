package history

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/supaudit/supaudit/internal/pgtest"
	"github.com/supaudit/supaudit/report"
)

// BenchmarkRecord records one run of 1,000 snapshots (about 16,000
// results) per iteration, as check --history does: open the store (and
// check its schema), record, close.
func BenchmarkRecord(b *testing.B) {
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			ctx := context.Background()
			spec := filepath.Join(b.TempDir(), "history.db")
			if engine == "postgres" {
				spec = pgtest.DSN(b)
			}
			run := report.BenchHistory(loadRun(b, "run2.json"), 1, 1000).Latest
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := processCPU()
			for b.Loop() {
				s, err := Open(ctx, spec)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := s.Record(ctx, run, nil); err != nil {
					b.Fatal(err)
				}
				s.Close()
			}
			// CPU time (this process; the PostgreSQL server's is not
			// counted) beside the wall time, which includes waiting for the
			// disk (fsync) and for a busy machine.
			b.ReportMetric(float64((processCPU()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
		})
	}
}

// benchStore returns a store holding runs daily runs over sites sites. With
// SUPAUDIT_BENCH_HISTORY set (scripts/bench-history.sh) the SQLite file is
// kept there and reused.
func benchStore(b *testing.B, engine string, runs, sites int) string {
	b.Helper()
	ctx := context.Background()
	spec := filepath.Join(b.TempDir(), "history.db")
	if engine == "postgres" {
		spec = pgtest.DSN(b)
		if p := os.Getenv("SUPAUDIT_BENCH_POSTGRES"); p != "" {
			// A database filled earlier (scripts/bench-history.sh).
			spec = p
			if s, err := Open(ctx, p); err == nil {
				h, err := s.Load(ctx, Query{})
				s.Close()
				if err == nil && len(h.Runs) == runs {
					return p
				}
			}
		}
	} else if p := os.Getenv("SUPAUDIT_BENCH_HISTORY"); p != "" {
		spec = p
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	s, err := Open(ctx, spec)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	base := loadRun(b, "run2.json")
	start := time.Date(2026, 1, 1, 6, 0, 0, 0, time.UTC)
	for i := 0; i < runs; i++ {
		r := report.BenchHistory(base, i+1, sites).Latest
		r.GeneratedAt = start.AddDate(0, 0, i)
		if _, err := s.Record(ctx, r, []report.WaiverRecord{{Step: "SUP-06", Subject: "site-0001", Reason: "r", ApprovedBy: "a", Expires: "2027-01-31"}}); err != nil {
			b.Fatal(err)
		}
	}
	return spec
}

// BenchmarkReport is supaudit report --format html over 365 daily runs of
// 1,000 sites: open the store, load the history, render the page. Set
// SUPAUDIT_BENCH_RUNS / SUPAUDIT_BENCH_SITES for other sizes.
func BenchmarkReport(b *testing.B) {
	runs, sites := envInt("SUPAUDIT_BENCH_RUNS", 365), envInt("SUPAUDIT_BENCH_SITES", 1000)
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(fmt.Sprintf("%s/%dx%d", engine, runs, sites), func(b *testing.B) {
			ctx := context.Background()
			spec := benchStore(b, engine, runs, sites)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				s, err := Open(ctx, spec)
				if err != nil {
					b.Fatal(err)
				}
				h, err := s.Load(ctx, Query{})
				if err != nil {
					b.Fatal(err)
				}
				v, err := report.NewHistoryView(h, report.Tool{Name: "supaudit"}, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
				if err != nil {
					b.Fatal(err)
				}
				if err := (&report.HTML{W: io.Discard}).History(ctx, v); err != nil {
					b.Fatal(err)
				}
				s.Close()
				if len(h.Runs) != runs {
					b.Fatalf("%d runs, want %d", len(h.Runs), runs)
				}
			}
		})
	}
}

func envInt(name string, def int) int {
	var n int
	if _, err := fmt.Sscan(os.Getenv(name), &n); err == nil && n > 0 {
		return n
	}
	return def
}
