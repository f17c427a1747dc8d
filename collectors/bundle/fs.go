package bundle

import (
	"context"
	"fmt"
	"io/fs"
	"sort"

	"github.com/supaudit/supaudit/facts"
)

// CollectFS is Collect over an in-memory (or any other) file system: each
// top-level directory of fsys is one server's evidence, in the layout of
// docs/evidence.md. It lets other collectors (the WinRM collector) hand the
// evidence they gathered to the same parsers and fact extraction without
// writing it to disk. name is used where Collect uses the bundle folder's
// base name (the snapshot ID when the site code is unknown). Limits,
// errors and the snapshot are as for Collect; top-level files are ignored.
func CollectFS(ctx context.Context, fsys fs.FS, name string, opts Options) (*facts.Snapshot, error) {
	des, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("bundle %s: %v", name, err)
	}
	sort.Slice(des, func(i, j int) bool { return des[i].Name() < des[j].Name() })
	var evs []*evidence
	var errs []string
	for _, de := range des {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if !de.IsDir() {
			continue
		}
		ev, err := openFS(ctx, fsys, de.Name(), opts)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		evs = append(evs, ev)
	}
	if len(evs) == 0 && len(errs) == 0 {
		return nil, fmt.Errorf("bundle %s: no server evidence (expected one folder per server; see docs/evidence.md)", name)
	}
	return build(ctx, evs, errs, name, opts)
}

// openFS indexes the regular files below dir in fsys, as openDir does for
// a folder on disk.
func openFS(ctx context.Context, fsys fs.FS, dir string, opts Options) (*evidence, error) {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", dir, err)
	}
	return indexFS(ctx, sub, dir, opts)
}
