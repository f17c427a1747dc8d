package clock

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestOneWallClock scans every non-test Go file of the module and fails
// on a read of the wall clock (time.Now, time.Since, time.Until) anywhere
// but Wall in this file's package.
func TestOneWallClock(t *testing.T) {
	root := filepath.Join("..", "..")
	var found []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "testdata", "node_modules":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			return err
		}
		timeName := ""
		for _, imp := range f.Imports {
			if imp.Path.Value == `"time"` {
				timeName = "time"
				if imp.Name != nil {
					timeName = imp.Name.Name
				}
			}
		}
		if timeName == "" {
			return nil
		}
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			id, ok := sel.X.(*ast.Ident)
			if !ok || id.Name != timeName {
				return true
			}
			switch sel.Sel.Name {
			case "Now", "Since", "Until":
				found = append(found, fset.Position(sel.Pos()).String()+": time."+sel.Sel.Name)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(root, "internal", "clock", "clock.go")
	var other []string
	for _, f := range found {
		if !strings.HasPrefix(f, want+":") {
			other = append(other, f)
		}
	}
	if len(other) > 0 || len(found) != 1 {
		t.Errorf("the wall clock is read outside clock.Wall (take a clock.Func from the caller instead):\n%s\n(all reads: %d)", strings.Join(other, "\n"), len(found))
	}
}

func TestFixedAndOr(t *testing.T) {
	at := time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC)
	if got := Or(Fixed(at))(); !got.Equal(at) {
		t.Errorf("Or(Fixed) = %v", got)
	}
	if Or(nil) == nil {
		t.Error("Or(nil) is nil")
	}
}
