package policies

import (
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
)

func TestFlatCache(t *testing.T) {
	c := newFlatCache()
	ref := ast.MustParseRef(`data.lib.f["a"][1]`)
	if v, undef := c.Get(ref); v != nil || undef {
		t.Fatalf("empty cache: %v %v", v, undef)
	}
	c.Put(ref, ast.StringTerm("x"))
	// The caller reuses the key's backing array: the cache must have copied it.
	ref[len(ref)-1] = ast.IntNumberTerm(2)
	if v, _ := c.Get(ast.MustParseRef(`data.lib.f["a"][1]`)); v == nil || !v.Equal(ast.StringTerm("x")) {
		t.Fatalf("cached value lost: %v", v)
	}
	if v, undef := c.Get(ref); v != nil || undef {
		t.Fatalf("other key found: %v %v", v, undef)
	}
	c.Put(ref, nil)
	if v, undef := c.Get(ref); v != nil || !undef {
		t.Fatalf("undefined not recorded: %v %v", v, undef)
	}
	if n := len(c.Keys()); n != 1 {
		t.Fatalf("Keys: %d, want 1 (undefined entries are not keys)", n)
	}
	c.Push()
	if v, undef := c.Get(ref); v != nil || undef {
		t.Fatalf("new frame sees the old one: %v %v", v, undef)
	}
	c.Put(ref, ast.BooleanTerm(true))
	c.Pop()
	if v, undef := c.Get(ref); v != nil || !undef {
		t.Fatalf("popped frame leaked: %v %v", v, undef)
	}
	// Overwrite in place.
	c.Put(ref, ast.StringTerm("y"))
	if v, _ := c.Get(ref); v == nil || !v.Equal(ast.StringTerm("y")) {
		t.Fatalf("overwrite: %v", v)
	}
}

// TestFlatCacheRelease checks that a released cache comes back empty, with
// every frame, and that its reused frames see nothing of the last
// evaluation.
func TestFlatCacheRelease(t *testing.T) {
	c := newFlatCache()
	a, b := ast.MustParseRef(`data.lib.f["a"]`), ast.MustParseRef(`data.lib.f["b"]`)
	c.Put(a, ast.StringTerm("x"))
	c.Push()
	c.Put(b, ast.StringTerm("y"))
	c.Push()
	c.Put(a, nil)
	c.release()
	if len(c.frames) != 1 || len(c.entries) != 0 || len(c.terms) != 0 {
		t.Fatalf("released cache not empty: %d frames, %d entries, %d key terms", len(c.frames), len(c.entries), len(c.terms))
	}
	for _, ref := range []ast.Ref{a, b} {
		if v, undef := c.Get(ref); v != nil || undef {
			t.Fatalf("%v survived release: %v %v", ref, v, undef)
		}
	}
	c.Push()
	if v, undef := c.Get(b); v != nil || undef {
		t.Fatalf("reused frame kept %v: %v %v", b, v, undef)
	}
	// Many keys with chains through the shared slices.
	for i := range 5000 {
		c.Put(ast.Ref{ast.VarTerm("data"), ast.IntNumberTerm(i)}, ast.IntNumberTerm(i*2))
	}
	for i := range 5000 {
		v, _ := c.Get(ast.Ref{ast.VarTerm("data"), ast.IntNumberTerm(i)})
		if v == nil || !v.Equal(ast.IntNumberTerm(i*2)) {
			t.Fatalf("key %d: %v", i, v)
		}
	}
	if n := len(c.Keys()); n != 5000 {
		t.Fatalf("Keys: %d, want 5000", n)
	}
}
