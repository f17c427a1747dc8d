package bundle

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// ErrNotEmpty is wrapped by the error for a bundle folder to write that
// already holds files.
var ErrNotEmpty = errors.New("folder not empty")

// CheckWritable reports whether Write may write a bundle to dir: dir must
// not exist (its parent must be a folder) or be an empty folder. Callers
// check before collecting, so a run does not end with evidence it cannot
// keep; Write checks again.
func CheckWritable(dir string) error {
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		parent := filepath.Dir(filepath.Clean(dir))
		pst, perr := os.Stat(parent)
		if perr != nil {
			return fmt.Errorf("%s: the parent folder %s: %w", dir, parent, errors.Unwrap(perr))
		}
		if !pst.IsDir() {
			return fmt.Errorf("%s: the parent %s is not a folder", dir, parent)
		}
		return nil
	case err != nil:
		return fmt.Errorf("%s: %w", dir, errors.Unwrap(err))
	case !st.IsDir():
		return fmt.Errorf("%s: exists and is not a folder", dir)
	}
	des, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("%s: %w", dir, errors.Unwrap(err))
	}
	if len(des) > 0 {
		return fmt.Errorf("%s: %w (it holds %s): give a new or empty folder, so that the saved bundle holds this run's evidence only", dir, ErrNotEmpty, des[0].Name())
	}
	return nil
}

// Write writes files (slash-separated paths relative to the bundle, one
// folder per server, as Collect reads them) as the bundle folder dir, all
// or nothing: they are written into a new temporary folder beside dir,
// synced, and the folder is renamed to dir. dir must not exist or be an
// empty folder (CheckWritable). On any failure (a full disk, ctx ended)
// the temporary folder is removed and dir is left as it was.
func Write(ctx context.Context, dir string, files map[string][]byte) (err error) {
	if err := CheckWritable(dir); err != nil {
		return err
	}
	names := make([]string, 0, len(files))
	for n := range files {
		c := path.Clean(n)
		if c != n || !strings.Contains(n, "/") || strings.HasPrefix(n, "/") || strings.HasPrefix(n, "../") {
			return fmt.Errorf("%s: %q is not a server-relative path", dir, n)
		}
		names = append(names, n)
	}
	sort.Strings(names)
	clean := filepath.Clean(dir)
	tmp, err := os.MkdirTemp(filepath.Dir(clean), "."+filepath.Base(clean)+".partial-")
	if err != nil {
		return fmt.Errorf("%s: %w", dir, err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	for _, n := range names {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("%s: not written: %w", dir, err)
		}
		full := filepath.Join(tmp, filepath.FromSlash(n))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return fmt.Errorf("%s: not written: %w", dir, err)
		}
		if err := writeSynced(full, files[n]); err != nil {
			return fmt.Errorf("%s: not written (%s): %w", dir, n, err)
		}
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fmt.Errorf("%s: not written: %w", dir, err)
	}
	// An empty dir is replaced; a non-empty one (made since the check) is
	// not: os.Remove refuses it.
	if err := os.Remove(clean); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("%s: not written: %w", dir, err)
	}
	if err := os.Rename(tmp, clean); err != nil {
		return fmt.Errorf("%s: not written: %w", dir, err)
	}
	return nil
}

func writeSynced(name string, data []byte) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
