// Package extract is the evidence extractor: it turns the evidence files
// of each server of a Configuration Manager 2007 site (registry exports,
// the site control file, IIS configuration, certificates and logs, in the
// layout of docs/evidence.md) into one facts.Snapshot. It reads through
// the evidence parsers (collectors/evidence/...) and attributes every
// fact to the collector that gathered the files (Collector), so the
// bundle collector (a folder or zip per server) and the WinRM collector
// (files read over WS-Management) share one extraction.
//
// The extractor never opens anything itself: a collector hands it one
// Evidence per server, built with NewEvidence and Add. Reads are capped
// per file and per server (Options); a problem with one file becomes an
// unknown fact or a collector error naming the file (and line).
package extract

import (
	"errors"

	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/supaudit/supaudit/facts"
	"github.com/supaudit/supaudit/internal/capread"
	"github.com/supaudit/supaudit/internal/clock"
)

// Default read limits.
const (
	// DefaultMaxFileSize caps the bytes of one evidence file (declared and
	// actually read). ConfigMgr rolls its logs over at a few MB.
	DefaultMaxFileSize int64 = 256 << 20
	// DefaultMaxTotalSize caps the bytes read from one server's evidence.
	DefaultMaxTotalSize int64 = 1 << 30
)

// Collector names the collector the facts are attributed to: it is the
// Provenance.Collector of every fact and the snapshot's collector run.
type Collector struct {
	Name    string
	Version string
}

// Options tunes Build. The zero value uses the defaults.
type Options struct {
	// MaxFileSize caps one file's size; 0 means DefaultMaxFileSize.
	MaxFileSize int64
	// MaxTotalSize caps the bytes read from one server; 0 means
	// DefaultMaxTotalSize.
	MaxTotalSize int64
	// ID is the snapshot ID; empty means "<site code>-<collector name>",
	// or the name given to Build when the site code is unknown.
	ID string
	// CollectedAt overrides the snapshot's collected_at; zero means the
	// latest collected_at of the servers' manifests, else Now.
	CollectedAt time.Time
	// Now returns the current time; nil means clock.Wall.
	Now func() time.Time
	// SiteMode says where the site mode (native or mixed) is read in the
	// site control file; the zero value means DefaultSiteModeRule. Where
	// ConfigMgr 2007 stores it is NOT verified; see docs/evidence.md.
	SiteMode SiteModeRule
	// InternetSUPProperty is the SMS_WSUS_CONFIGURATION_MANAGER property
	// naming the active Internet-based SUP; empty means
	// DefaultInternetSUPProperty (a guess, NOT verified; see
	// docs/evidence.md).
	InternetSUPProperty string
	// SUPSettings says where the SUP-03 settings are read in the site
	// control file; the zero value means DefaultSUPSettingsRule (property
	// names believed, NOT verified for ConfigMgr 2007; docs/sources.md).
	SUPSettings SUPSettingsRule
}

// MaxFile is the per-file limit in effect.
func (o Options) MaxFile() int64 {
	if o.MaxFileSize > 0 {
		return o.MaxFileSize
	}
	return DefaultMaxFileSize
}

// MaxTotal is the per-server limit in effect.
func (o Options) MaxTotal() int64 {
	if o.MaxTotalSize > 0 {
		return o.MaxTotalSize
	}
	return DefaultMaxTotalSize
}

func (o Options) now() time.Time {
	return clock.Or(o.Now)()
}

// Entry is one evidence file of a server.
type Entry struct {
	rel  string // slash-separated path relative to the server folder, as written
	size int64  // declared size
	open func() (io.ReadCloser, error)
}

// Evidence is one server's evidence files.
type Evidence struct {
	name   string            // the server folder name
	files  map[string]*Entry // by rel
	rels   []string          // the rels, sorted when sorted is set
	sorted bool
	read   int64 // bytes read so far
	opts   Options
	// notes are the gather script's not_collected lines of manifest.txt.
	notes []gatherNote
}

// NewEvidence starts the evidence of the server folder name; name
// prefixes every provenance source and error about its files.
func NewEvidence(name string, opts Options) *Evidence {
	return &Evidence{name: name, files: map[string]*Entry{}, opts: opts}
}

// Name is the server folder name given to NewEvidence.
func (ev *Evidence) Name() string { return ev.name }

// Add records the file rel (a clean slash-separated relative path) of
// declared size size, read through open. The first file added under a
// name is kept.
func (ev *Evidence) Add(rel string, size int64, open func() (io.ReadCloser, error)) {
	if _, dup := ev.files[rel]; dup {
		return
	}
	ev.files[rel] = &Entry{rel: rel, size: size, open: open}
	ev.rels = append(ev.rels, rel)
	ev.sorted = false
}

// Len is the number of files added.
func (ev *Evidence) Len() int { return len(ev.files) }

// gatherNote returns what the gather script recorded in manifest.txt about
// rel (a not_collected line naming rel or its folder) as
// "; the gather script says (manifest.txt:N): reason", or "".
func (ev *Evidence) gatherNote(rel string) string {
	rel = strings.ToLower(rel)
	for _, n := range ev.notes {
		if n.path == rel || (strings.HasSuffix(n.path, "/") && strings.HasPrefix(rel, n.path)) {
			return fmt.Sprintf("; the gather script says (manifest.txt:%d): %s", n.line, n.reason)
		}
	}
	return ""
}

// find returns the entries matching the doublestar pattern, compared
// case-insensitively, in path order.
func (ev *Evidence) find(pattern string) []*Entry {
	if !ev.sorted {
		sort.Strings(ev.rels)
		ev.sorted = true
	}
	pattern = strings.ToLower(pattern)
	var out []*Entry
	for _, rel := range ev.rels {
		if ok, err := doublestar.Match(pattern, strings.ToLower(rel)); err == nil && ok {
			out = append(out, ev.files[rel])
		}
	}
	return out
}

// first returns the first entry matching any of the patterns, or nil.
func (ev *Evidence) first(patterns ...string) *Entry {
	for _, p := range patterns {
		if es := ev.find(p); len(es) > 0 {
			return es[0]
		}
	}
	return nil
}

// source is the provenance source of e: "<server folder>/<relative path>".
func (ev *Evidence) source(e *Entry) string { return ev.name + "/" + e.rel }

// readAll reads e within the per-file and per-server caps.
func (ev *Evidence) readAll(e *Entry) ([]byte, error) {
	maxFile := ev.opts.MaxFile()
	if e.size > maxFile {
		return nil, fmt.Errorf("%s: file is %d bytes, over the %d byte per-file limit", ev.source(e), e.size, maxFile)
	}
	rc, err := e.open()
	if err != nil {
		return nil, fmt.Errorf("%s: cannot open: %v", ev.source(e), err)
	}
	defer rc.Close()
	data, err := capread.Read(rc, maxFile)
	if errors.Is(err, capread.ErrTooLarge) {
		return nil, fmt.Errorf("%s: file is over the %d byte per-file limit", ev.source(e), maxFile)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: cannot read: %v", ev.source(e), err)
	}
	ev.read += int64(len(data))
	if ev.read > ev.opts.MaxTotal() {
		return nil, fmt.Errorf("%s: the server's evidence is over the %d byte total limit", ev.source(e), ev.opts.MaxTotal())
	}
	return data, nil
}

// Build extracts the facts of each server's evidence into one snapshot,
// attributed to collector c. errs are problems the collector met before
// (servers whose evidence could not be opened), kept first in the
// snapshot's collector errors; name stands in for the snapshot ID when
// neither Options.ID nor the site code is known. It fails only when ctx
// is done.
func Build(ctx context.Context, c Collector, evs []*Evidence, errs []string, name string, opts Options) (*facts.Snapshot, error) {
	b := newBuilder(c, opts)
	b.errs = errs
	for _, ev := range evs {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		b.collectServer(ev)
	}
	return b.finish(name), nil
}
