// Package bundle is the evidence-bundle collector: it turns a folder of
// evidence gathered from each server of a Configuration Manager 2007 site
// (one sub-folder, or one .zip file, per server) into a facts.Snapshot.
//
// The per-server layout, the facts read from each file and what of it is
// verified or only believed are documented in docs/evidence.md. Files are
// found with doublestar patterns matched case-insensitively, so evidence
// copied from Windows ("Logs\WCM.LOG") is found as well as "logs/WCM.log".
//
// The collector is read-only and bounded: zip archives are never extracted
// to disk, entries that would escape the archive's folder are rejected, and
// entry count, per-file size and total uncompressed size are capped
// (DefaultMaxZipEntries, DefaultMaxFileSize, DefaultMaxTotalSize). A problem
// with one server's evidence becomes an unknown fact or a collector error
// naming the file (and line), and the other servers are still collected.
package bundle

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/supaudit/supaudit/collectors/evidence/extract"
	"github.com/supaudit/supaudit/facts"
	"github.com/supaudit/supaudit/internal/capread"
)

// CollectorName is the Provenance.Collector of every fact this package
// establishes.
const CollectorName = "bundle"

// Version is recorded in the snapshot's collectors list.
const Version = "0.1.0"

// Default limits. They bound what one server's evidence may hold; a zip
// archive over any of them is rejected as a whole with an error naming the
// limit, so a zip bomb fails clearly instead of exhausting memory or disk.
const (
	// DefaultMaxZipEntries caps the number of entries in one server's zip.
	// A bundle holds a few dozen files.
	DefaultMaxZipEntries = 10000
	// DefaultMaxFileSize caps the bytes of one evidence file (declared and
	// actually read). ConfigMgr rolls its logs over at a few MB.
	DefaultMaxFileSize = extract.DefaultMaxFileSize
	// DefaultMaxTotalSize caps the total uncompressed bytes of one server's
	// zip, and the bytes read from one server's evidence.
	DefaultMaxTotalSize = extract.DefaultMaxTotalSize
)

// Options tunes Collect. The zero value uses the defaults.
type Options struct {
	// MaxZipEntries caps entries per zip; 0 means DefaultMaxZipEntries.
	MaxZipEntries int
	// MaxFileSize caps one file's size; 0 means DefaultMaxFileSize.
	MaxFileSize int64
	// MaxTotalSize caps one server's total size; 0 means DefaultMaxTotalSize.
	MaxTotalSize int64
	// ID is the snapshot ID; empty means "<site code>-bundle", or the base
	// name of the bundle folder when the site code is unknown.
	ID string
	// CollectedAt overrides the snapshot's collected_at; zero means the
	// latest collected_at of the servers' manifests, else Now.
	CollectedAt time.Time
	// Now returns the current time; nil means clock.Wall.
	Now func() time.Time
	// SiteMode says where the site mode (native or mixed) is read in the
	// site control file; the zero value means DefaultSiteModeRule. Where
	// ConfigMgr 2007 stores it is NOT verified; see docs/evidence.md.
	SiteMode extract.SiteModeRule
	// InternetSUPProperty is the SMS_WSUS_CONFIGURATION_MANAGER property
	// naming the active Internet-based SUP; empty means
	// DefaultInternetSUPProperty (a guess, NOT verified; see
	// docs/evidence.md).
	InternetSUPProperty string
	// SUPSettings says where the SUP-03 settings are read in the site
	// control file; the zero value means extract.DefaultSUPSettingsRule.
	SUPSettings extract.SUPSettingsRule
}

func (o Options) maxEntries() int {
	if o.MaxZipEntries > 0 {
		return o.MaxZipEntries
	}
	return DefaultMaxZipEntries
}

func (o Options) maxFile() int64 { return o.Extract().MaxFile() }

func (o Options) maxTotal() int64 { return o.Extract().MaxTotal() }

// Extract is the evidence extractor's share of the options (all but
// MaxZipEntries).
func (o Options) Extract() extract.Options {
	return extract.Options{MaxFileSize: o.MaxFileSize, MaxTotalSize: o.MaxTotalSize, ID: o.ID, CollectedAt: o.CollectedAt, Now: o.Now, SiteMode: o.SiteMode, InternetSUPProperty: o.InternetSUPProperty, SUPSettings: o.SUPSettings}
}

// evidence is one server's evidence opened by the bundle collector: the
// extractor's Evidence and, for a zip archive, the file to close.
type evidence struct {
	*extract.Evidence
	closer io.Closer // the zip archive, nil for a folder
	// skipped are the entries of the folder that are not regular files
	// (a named pipe would block the read), as collector warnings.
	skipped []string
}

// openDir indexes the regular files below dir. Symbolic links are skipped:
// they could point outside the evidence folder.
func openDir(ctx context.Context, dir, name string, opts Options) (*evidence, error) {
	return indexFS(ctx, os.DirFS(dir), name, opts)
}

// indexFS indexes the regular files of fsys (one server's evidence) under
// the server name; name also prefixes its errors. Entries that are not
// regular files (symbolic links, devices) are skipped, and a file named
// `logs\WCM.log` (a zip unpacked by a tool that kept the Windows
// separators) is indexed as logs/WCM.log.
func indexFS(ctx context.Context, fsys fs.FS, name string, opts Options) (*evidence, error) {
	ev := &evidence{Evidence: extract.NewEvidence(name, opts.Extract())}
	count := 0
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if !d.Type().IsRegular() {
			if !d.IsDir() {
				ev.skipped = append(ev.skipped, fmt.Sprintf("%s/%s: skipped: it is %s, not a regular file", name, p, capread.Kind(d.Type())))
			}
			return nil
		}
		count++
		if count > opts.maxEntries() {
			return fmt.Errorf("more than %d files (limit MaxZipEntries)", opts.maxEntries())
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, nerr := normalizeZipName(p)
		if nerr != nil {
			return nil
		}
		ev.Add(rel, info.Size(), func() (io.ReadCloser, error) { return fsys.Open(p) })
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return ev, nil
}

// ErrUnsafeZip is wrapped by the errors for zip archives that are rejected
// as a whole: entries escaping the folder, or over a limit.
var ErrUnsafeZip = errors.New("unsafe zip archive")

// normalizeZipName turns a zip entry name into a slash-separated relative
// path, or reports why it is not one: Windows separators are accepted,
// absolute paths, drive letters and ".." elements are not.
func normalizeZipName(n string) (string, error) {
	s := strings.ReplaceAll(n, `\`, "/")
	switch {
	case s == "":
		return "", fmt.Errorf("empty entry name")
	case strings.HasPrefix(s, "/"):
		return "", fmt.Errorf("entry %q has an absolute path", n)
	case len(s) >= 2 && s[1] == ':':
		return "", fmt.Errorf("entry %q has a drive letter", n)
	case strings.ContainsRune(s, 0):
		return "", fmt.Errorf("entry %q has a NUL byte in its name", n)
	}
	for _, el := range strings.Split(s, "/") {
		if el == ".." {
			return "", fmt.Errorf("entry %q escapes the folder (..)", n)
		}
	}
	c := path.Clean(s)
	if c == "." || !fs.ValidPath(c) {
		return "", fmt.Errorf("entry %q is not a valid relative path", n)
	}
	return c, nil
}

// openZip indexes a server's zip archive after checking it against the
// limits and for entries escaping the folder. A single top-level folder in
// the archive (SUP01/manifest.txt) is stripped.
func openZip(ctx context.Context, file, name string, opts Options) (ev *evidence, err error) {
	defer func() {
		if r := recover(); r != nil {
			ev, err = nil, fmt.Errorf("%s: %w: archive/zip panicked: %v", name+".zip", ErrUnsafeZip, r)
		}
	}()
	zname := filepath.Base(file)
	f, err := capread.Open(file)
	if err != nil {
		var nr *capread.NotRegularError
		if errors.As(err, &nr) {
			return nil, fmt.Errorf("%s: cannot open: it is %s, not a regular file", zname, capread.Kind(nr.Mode))
		}
		return nil, fmt.Errorf("%s: cannot open: %v", zname, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %v", zname, err)
	}
	zr, err := zip.NewReader(f, st.Size())
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		f.Close()
		return nil, fmt.Errorf("%s: not a readable zip archive: %v", zname, err)
	}
	// The archive stays open while the snapshot is built; Collect closes it.
	if len(zr.File) > opts.maxEntries() {
		f.Close()
		return nil, fmt.Errorf("%s: %w: %d entries, over the limit of %d", zname, ErrUnsafeZip, len(zr.File), opts.maxEntries())
	}
	var total uint64
	type item struct {
		rel string
		zf  *zip.File
	}
	var items []item
	names := map[string]string{} // lower-case path -> entry name
	for _, zf := range zr.File {
		if ctx.Err() != nil {
			f.Close()
			return nil, ctx.Err()
		}
		rel, nerr := normalizeZipName(zf.Name)
		if nerr != nil {
			f.Close()
			return nil, fmt.Errorf("%s: %w: %v", zname, ErrUnsafeZip, nerr)
		}
		if zf.FileInfo().IsDir() || strings.HasSuffix(zf.Name, "/") || strings.HasSuffix(zf.Name, `\`) {
			continue
		}
		// Two entries of one name (Windows compares names without regard
		// to case, as the extractor does) would be read as whichever
		// comes first: refuse the ambiguity.
		if prev, dup := names[strings.ToLower(rel)]; dup {
			f.Close()
			if prev == zf.Name {
				return nil, fmt.Errorf("%s: %w: entry %q appears twice: re-create the archive", zname, ErrUnsafeZip, zf.Name)
			}
			return nil, fmt.Errorf("%s: %w: entries %q and %q name the same file: re-create the archive", zname, ErrUnsafeZip, prev, zf.Name)
		}
		names[strings.ToLower(rel)] = zf.Name
		if !zf.Mode().IsRegular() {
			f.Close()
			return nil, fmt.Errorf("%s: %w: entry %q is not a regular file (%v)", zname, ErrUnsafeZip, zf.Name, zf.Mode().Type())
		}
		if zf.UncompressedSize64 > uint64(opts.maxFile()) {
			f.Close()
			return nil, fmt.Errorf("%s: %w: entry %q is %d bytes uncompressed, over the per-file limit of %d", zname, ErrUnsafeZip, zf.Name, zf.UncompressedSize64, opts.maxFile())
		}
		total += zf.UncompressedSize64
		if total > uint64(opts.maxTotal()) {
			f.Close()
			return nil, fmt.Errorf("%s: %w: over %d bytes uncompressed in total (limit)", zname, ErrUnsafeZip, opts.maxTotal())
		}
		items = append(items, item{rel, zf})
	}
	// Strip a single top-level folder.
	prefix := ""
	if len(items) > 0 {
		first, _, ok := strings.Cut(items[0].rel, "/")
		if ok {
			prefix = first + "/"
			for _, it := range items {
				if !strings.HasPrefix(it.rel, prefix) {
					prefix = ""
					break
				}
			}
		}
	}
	ev = &evidence{Evidence: extract.NewEvidence(name, opts.Extract())}
	for _, it := range items {
		zf := it.zf
		ev.Add(strings.TrimPrefix(it.rel, prefix), int64(zf.UncompressedSize64), func() (io.ReadCloser, error) { return zf.Open() })
	}
	ev.closer = f
	return ev, nil
}

// Collect reads the evidence bundle at root (a folder holding one folder
// or one .zip file per server) and returns the snapshot it establishes.
// It returns an error only when root cannot be read at all, holds no
// server evidence, or ctx is done; problems with one server's evidence are
// recorded in the snapshot's collector errors and as unknown facts.
func Collect(ctx context.Context, root string, opts Options) (*facts.Snapshot, error) {
	st, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("bundle %s: %v", root, err)
	}
	var evs []*evidence
	var errs, warns []string
	addErr := func(e error) { errs = append(errs, e.Error()) }
	if !st.IsDir() && !st.Mode().IsRegular() {
		return nil, fmt.Errorf("bundle %s: it is %s, not a folder or a .zip file", root, capread.Kind(st.Mode()))
	}
	if !st.IsDir() {
		if !strings.EqualFold(filepath.Ext(root), ".zip") {
			return nil, fmt.Errorf("bundle %s: not a folder or a .zip file", root)
		}
		ev, err := openZip(ctx, root, strings.TrimSuffix(filepath.Base(root), filepath.Ext(root)), opts)
		if err != nil {
			return nil, fmt.Errorf("bundle %s: %v", root, err)
		}
		evs = append(evs, ev)
	} else {
		des, err := os.ReadDir(root)
		if err != nil {
			return nil, fmt.Errorf("bundle %s: %v", root, err)
		}
		for _, de := range des {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			full := filepath.Join(root, de.Name())
			switch {
			case de.IsDir():
				ev, err := openDir(ctx, full, de.Name(), opts)
				if err != nil {
					addErr(err)
					continue
				}
				evs = append(evs, ev)
			case de.Type().IsRegular() && strings.EqualFold(filepath.Ext(de.Name()), ".zip"):
				base := strings.TrimSuffix(de.Name(), filepath.Ext(de.Name()))
				ev, err := openZip(ctx, full, base, opts)
				if err != nil {
					addErr(err)
					continue
				}
				evs = append(evs, ev)
			case strings.EqualFold(filepath.Ext(de.Name()), ".zip"):
				warns = append(warns, fmt.Sprintf("%s: skipped: it is %s, not a regular file", de.Name(), capread.Kind(de.Type())))
			}
		}
	}
	defer func() {
		for _, ev := range evs {
			if ev.closer != nil {
				ev.closer.Close()
			}
		}
	}()
	if len(evs) == 0 && len(errs) == 0 {
		return nil, fmt.Errorf("bundle %s: no server evidence (expected one folder or .zip file per server; see docs/evidence.md)", root)
	}
	snap, err := build(ctx, evs, errs, filepath.Base(filepath.Clean(root)), opts)
	if err == nil && len(warns) > 0 {
		snap.Collectors[0].Warnings = append(warns, snap.Collectors[0].Warnings...)
	}
	return snap, err
}

// build extracts the facts of each server's evidence into one snapshot;
// errs are the servers whose evidence could not be opened, and name stands
// in for the snapshot ID when the site code is unknown. Collect and
// CollectFS share it.
func build(ctx context.Context, evs []*evidence, errs []string, name string, opts Options) (*facts.Snapshot, error) {
	xs := make([]*extract.Evidence, len(evs))
	var skipped []string
	for i, ev := range evs {
		xs[i] = ev.Evidence
		skipped = append(skipped, ev.skipped...)
	}
	snap, err := extract.Build(ctx, extract.Collector{Name: CollectorName, Version: Version}, xs, errs, name, opts.Extract())
	if err == nil && len(skipped) > 0 {
		snap.Collectors[0].Warnings = append(skipped, snap.Collectors[0].Warnings...)
	}
	return snap, err
}
