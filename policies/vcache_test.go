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
