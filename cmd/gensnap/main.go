// Command gensnap writes N realistic facts snapshots for benchmarks and
// load tests: a seeded, deterministic mix of compliant and failing
// environments.
//
// Each snapshot is made from one of the template snapshots (by default the
// fixtures in fixtures/snapshots, which are realistic environments with
// known verdicts), chosen by a seeded weighted draw (compliant templates
// weigh -compliant, failing ones 1-compliant), and made distinct: its id,
// site code, host names and collection time are rewritten. The same
// templates, -n and -seed always give byte-identical output.
//
//	go run ./cmd/gensnap -n 10000 -seed 1 -out out/bench/10000
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/supaudit/supaudit/facts"
	"github.com/supaudit/supaudit/policies"
	"github.com/supaudit/supaudit/results"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "gensnap: %v\n", err)
		os.Exit(2)
	}
}

type template struct {
	name      string
	data      []byte
	compliant bool
	domain    string
	siteCode  string
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gensnap", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("n", 1000, "number of snapshots to write")
	seed := fs.Uint64("seed", 1, "seed of the deterministic draw")
	out := fs.String("out", "", "directory to write the snapshots to (created; must be empty or absent)")
	from := fs.String("from", "fixtures/snapshots", "directory of template snapshots (**/*.json)")
	compliant := fs.Float64("compliant", 0.6, "share of snapshots drawn from compliant templates (0..1)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || *n <= 0 || *compliant < 0 || *compliant > 1 {
		fs.Usage()
		return errors.New("need -out DIR, -n > 0 and 0 <= -compliant <= 1")
	}
	tmpls, err := loadTemplates(*from)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	if entries, _ := os.ReadDir(*out); len(entries) > 0 {
		return fmt.Errorf("%s is not empty", *out)
	}
	var good, bad []template
	for _, t := range tmpls {
		if t.compliant {
			good = append(good, t)
		} else {
			bad = append(bad, t)
		}
	}
	if len(good) == 0 || len(bad) == 0 {
		return fmt.Errorf("%s: need both compliant and failing templates (found %d and %d)", *from, len(good), len(bad))
	}
	rng := rand.New(rand.NewPCG(*seed, *seed^0x5eed))
	base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	counts := map[string]int{}
	for i := 0; i < *n; i++ {
		var t template
		if rng.Float64() < *compliant {
			t = good[rng.IntN(len(good))]
		} else {
			t = bad[rng.IntN(len(bad))]
		}
		counts[t.name]++
		data := personalise(t, i, base.Add(time.Duration(rng.IntN(20*24*60))*time.Minute))
		name := filepath.Join(*out, fmt.Sprintf("site-%06d.json", i))
		if err := os.WriteFile(name, data, 0o644); err != nil {
			return err
		}
	}
	names := make([]string, 0, len(counts))
	for k := range counts {
		names = append(names, k)
	}
	sort.Strings(names)
	fmt.Fprintf(stdout, "wrote %d snapshots to %s (seed %d) from %d templates:\n", *n, *out, *seed, len(tmpls))
	for _, k := range names {
		fmt.Fprintf(stdout, "  %6d  %s\n", counts[k], k)
	}
	return nil
}

// loadTemplates reads the template snapshots and classifies each as
// compliant (no fail, warn or unknown result) by judging it once.
func loadTemplates(dir string) ([]template, error) {
	paths, err := doublestar.Glob(os.DirFS(dir), "**/*.json")
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("%s: no template snapshots", dir)
	}
	sort.Strings(paths)
	ctx := context.Background()
	engine, err := policies.New(ctx, policies.Options{})
	if err != nil {
		return nil, err
	}
	var out []template
	for _, p := range paths {
		full := filepath.Join(dir, filepath.FromSlash(p))
		doc, err := facts.LoadFile(full, facts.Options{})
		if err != nil {
			return nil, err
		}
		rs, err := engine.Evaluate(ctx, doc, nil)
		if err != nil {
			return nil, err
		}
		t := template{name: strings.TrimSuffix(p, ".json"), compliant: !results.Summarize(rs).Failing(results.Warn)}
		t.data, _ = os.ReadFile(full)
		t.siteCode, _ = doc.Snapshot.Site.Code.Get()
		for _, s := range doc.Snapshot.Servers {
			if i := strings.IndexByte(s.FQDN, '.'); i > 0 {
				t.domain = s.FQDN[i+1:]
				break
			}
		}
		out = append(out, t)
	}
	return out, nil
}

// personalise makes snapshot i distinct: new id, site code, domain and
// collection time (times inside the snapshot keep their distance to it).
func personalise(t template, i int, collected time.Time) []byte {
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(t.data))
	dec.UseNumber()
	_ = dec.Decode(&m)
	old, _ := time.Parse(time.RFC3339, m["collected_at"].(string))
	shift := collected.Sub(old)
	code := fmt.Sprintf("%c%02d", 'A'+rune(i/100%26), i%100)
	domain := fmt.Sprintf("site%06d.example.net", i)
	var walk func(v any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			for k, vv := range x {
				x[k] = walk(vv)
			}
			return x
		case []any:
			for k, vv := range x {
				x[k] = walk(vv)
			}
			return x
		case string:
			if ts, err := time.Parse(time.RFC3339, x); err == nil && len(x) >= 20 {
				return ts.Add(shift).UTC().Format(time.RFC3339)
			}
			if t.domain != "" {
				x = strings.ReplaceAll(x, t.domain, domain)
			}
			if t.siteCode != "" && x == t.siteCode {
				return code
			}
			return x
		}
		return v
	}
	walk(m)
	m["id"] = fmt.Sprintf("site-%06d-%s", i, filepath.Base(t.name))
	b, _ := json.MarshalIndent(m, "", " ")
	return append(b, '\n')
}
