package policies

import (
	"context"
	"testing"

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
