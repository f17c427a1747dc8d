package probe

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"
)

// BenchmarkProbeFleet probes 1000 loopback targets of which a tenth are
// black holes (they accept connections and never answer). Expected time
// per run: about timeout × black holes ÷ concurrency (here 1s × 100 ÷ 100
// = 1s), since a black hole costs one timeout and hosts run in parallel;
// the figure is reported as s/run and expected-s/run.
//
// The sub-benchmark no-black-holes probes the same 1000 targets all
// answering: the difference between the two is the black holes' cost, to
// compare with the formula (answering hosts cost CPU: two TLS handshakes
// and a dozen requests each, on both sides of loopback).
func BenchmarkProbeFleet(b *testing.B) {
	b.Run("tenth-black-holes", func(b *testing.B) { benchFleet(b, 100) })
	b.Run("no-black-holes", func(b *testing.B) { benchFleet(b, 0) })
}

func benchFleet(b *testing.B, blackHoles int) {
	const (
		targets     = 1000
		concurrency = 100
		timeout     = time.Second
	)
	httpSrv := httptest.NewServer(fakeWSUS(true))
	defer httpSrv.Close()
	tlsSrv := httptest.NewTLSServer(fakeWSUS(true))
	defer tlsSrv.Close()
	good := PortPair{port(b, httpSrv.URL), port(b, tlsSrv.URL)}
	r := StaticResolver{}
	ts := make([]Target, targets)
	for i := range ts {
		name := fmt.Sprintf("sup%04d.corp.example", i)
		r[name] = []string{"127.0.0.1"}
		ts[i] = Target{FQDN: name, Pairs: []PortPair{good}}
		if blackHoles > 0 && i%(targets/blackHoles) == 0 {
			// Each black hole is its own host (its own listeners).
			ts[i].Pairs = []PortPair{{blackHole(b), blackHole(b)}}
		}
	}
	opts := Options{Resolver: r, Concurrency: concurrency, ConnectTimeout: timeout, TLSTimeout: timeout, RequestTimeout: timeout, HostTimeout: 10 * timeout}
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		res := Run(context.Background(), ts, opts)
		if len(res.Servers) != targets || !res.Run.Complete {
			b.Fatalf("%d servers, complete %v", len(res.Servers), res.Run.Complete)
		}
	}
	b.ReportMetric(time.Since(start).Seconds()/float64(b.N), "s/run")
	b.ReportMetric((timeout * time.Duration(blackHoles) / concurrency).Seconds(), "blackhole-s/run")
}
