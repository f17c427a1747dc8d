package bundle

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWrite(t *testing.T) {
	files := map[string][]byte{"S/manifest.txt": []byte("fqdn=S.contoso.com\n"), "S/logs/WCM.log": []byte("x\n")}
	listing := func(dir string) []string {
		var out []string
		filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				rel, _ := filepath.Rel(dir, p)
				out = append(out, filepath.ToSlash(rel))
			}
			return nil
		})
		return out
	}
	t.Run("new folder", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "saved")
		if err := Write(context.Background(), dir, files); err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(listing(dir), ","); got != "S/logs/WCM.log,S/manifest.txt" {
			t.Errorf("written %s", got)
		}
		if des, _ := os.ReadDir(filepath.Dir(dir)); len(des) != 1 {
			t.Errorf("left beside the bundle: %v", des)
		}
	})
	t.Run("empty folder", func(t *testing.T) {
		dir := t.TempDir()
		if err := Write(context.Background(), dir, files); err != nil {
			t.Fatal(err)
		}
		if len(listing(dir)) != 2 {
			t.Errorf("written %v", listing(dir))
		}
	})
	t.Run("folder of a previous run refused", func(t *testing.T) {
		// The previous run's sync log would read as this run's evidence.
		dir := t.TempDir()
		writeFiles(t, dir, map[string]string{"S/logs/wsyncmgr.log": "Sync succeeded\n"})
		err := Write(context.Background(), dir, files)
		if !errors.Is(err, ErrNotEmpty) || !strings.Contains(err.Error(), dir) {
			t.Fatalf("err = %v, want ErrNotEmpty naming %s", err, dir)
		}
		if got := strings.Join(listing(dir), ","); got != "S/logs/wsyncmgr.log" {
			t.Errorf("the folder was changed: %s", got)
		}
	})
	t.Run("failure leaves nothing", func(t *testing.T) {
		// A write that fails part-way (here a file where a folder must go;
		// a full disk fails the same way) leaves no partial bundle.
		parent := t.TempDir()
		dir := filepath.Join(parent, "saved")
		bad := map[string][]byte{"S/a": []byte("1"), "S/a/b": []byte("2")}
		if err := Write(context.Background(), dir, bad); err == nil || !strings.Contains(err.Error(), "not written") {
			t.Fatalf("err = %v", err)
		}
		if des, _ := os.ReadDir(parent); len(des) != 0 {
			t.Errorf("left behind: %v", des)
		}
	})
	t.Run("interrupted", func(t *testing.T) {
		parent := t.TempDir()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := Write(ctx, filepath.Join(parent, "saved"), files); !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
		if des, _ := os.ReadDir(parent); len(des) != 0 {
			t.Errorf("left behind: %v", des)
		}
	})
	t.Run("not a folder, missing parent", func(t *testing.T) {
		f := filepath.Join(t.TempDir(), "file")
		os.WriteFile(f, nil, 0o644)
		if err := CheckWritable(f); err == nil || !strings.Contains(err.Error(), "not a folder") {
			t.Errorf("file: %v", err)
		}
		if err := CheckWritable(filepath.Join(f, "x", "y")); err == nil {
			t.Errorf("missing parent: no error")
		}
	})
}
