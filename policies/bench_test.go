package policies

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/supaudit/supaudit/facts"
)

func loadSample(b *testing.B) *facts.Document {
	b.Helper()
	doc, err := facts.LoadFile("../fixtures/snapshots/native-remote-and-internet-sup.json", facts.Options{})
	if err != nil {
		b.Fatal(err)
	}
	return doc
}

// BenchmarkEvaluateOne measures judging one snapshot with the prepared query.
func BenchmarkEvaluateOne(b *testing.B) {
	ctx := context.Background()
	e, err := New(ctx, Options{})
	if err != nil {
		b.Fatal(err)
	}
	doc := loadSample(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := e.Evaluate(ctx, doc, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEvaluateBatch1000 measures judging 1000 snapshots on one core
// (the CLI spreads snapshots over all cores).
func BenchmarkEvaluateBatch1000(b *testing.B) {
	ctx := context.Background()
	e, err := New(ctx, Options{})
	if err != nil {
		b.Fatal(err)
	}
	doc := loadSample(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j := 0; j < 1000; j++ {
			if _, err := e.Evaluate(ctx, doc, nil); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkCompile measures loading and preparing the embedded policies,
// paid once per process.
func BenchmarkCompile(b *testing.B) {
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		if _, err := New(ctx, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRawEval is the floor make bench compares against: the prepared
// query's evaluation of one snapshot alone, without loading, converting or
// decoding results.
func BenchmarkRawEval(b *testing.B) {
	ctx := context.Background()
	e, err := New(ctx, Options{})
	if err != nil {
		b.Fatal(err)
	}
	v, err := ast.InterfaceToValue(loadSample(b).Raw)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := e.eval(ctx, v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRawEvalDir measures the floor on a set of snapshots: the mean
// prepared-query evaluation time per snapshot over up to 1000 snapshots
// of the directory named by SUPAUDIT_BENCH_DIR (make bench sets it to the
// generated set), reported as ns/snapshot.
func BenchmarkRawEvalDir(b *testing.B) {
	dir := os.Getenv("SUPAUDIT_BENCH_DIR")
	if dir == "" {
		b.Skip("SUPAUDIT_BENCH_DIR not set")
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		b.Fatalf("%s: no snapshots", dir)
	}
	if len(files) > 1000 {
		files = files[:1000]
	}
	ctx := context.Background()
	e, err := New(ctx, Options{})
	if err != nil {
		b.Fatal(err)
	}
	inputs := make([]ast.Value, 0, len(files))
	for _, f := range files {
		doc, err := facts.LoadFile(f, facts.Options{})
		if err != nil {
			b.Fatal(err)
		}
		v, err := ast.InterfaceToValue(doc.Raw)
		if err != nil {
			b.Fatal(err)
		}
		inputs = append(inputs, v)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, v := range inputs {
			if _, err := e.eval(ctx, v); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(inputs)), "ns/snapshot")
}
