package policies

import (
	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/topdown"
)

// flatCache is the evaluation's cache of rule and function results
// (OPA's topdown.VirtualCache), kept as one hash table per frame instead of
// OPA's default trie with one node and one hash map per segment of each
// reference. OPA memoizes every function call in this cache, keyed by the
// function's reference and its arguments, so the trie allocates several
// nodes for nearly every call the policies make; the flat table allocates
// the key's copy and, now and then, a bucket. One cache serves one
// evaluation (it is not safe for concurrent use).
type flatCache struct {
	frames []map[int][]cacheEntry
}

type cacheEntry struct {
	ref       ast.Ref
	value     *ast.Term
	undefined bool
}

var _ topdown.VirtualCache = (*flatCache)(nil)

func newFlatCache() *flatCache {
	c := &flatCache{}
	c.Push()
	return c
}

func (c *flatCache) Push() { c.frames = append(c.frames, make(map[int][]cacheEntry, 64)) }

func (c *flatCache) Pop() {
	c.frames[len(c.frames)-1] = nil
	c.frames = c.frames[:len(c.frames)-1]
}

func (c *flatCache) top() map[int][]cacheEntry { return c.frames[len(c.frames)-1] }

// Get returns (value, false) when ref is cached with a value, (nil, true)
// when it is cached as undefined, and (nil, false) when it is not cached.
func (c *flatCache) Get(ref ast.Ref) (*ast.Term, bool) {
	for _, e := range c.top()[ref.Hash()] {
		if e.ref.Equal(ref) {
			if e.undefined {
				return nil, true
			}
			return e.value, false
		}
	}
	return nil, false
}

// Put records ref's value, or that it is undefined when value is nil. The
// caller may reuse ref's backing array, so the key is copied.
func (c *flatCache) Put(ref ast.Ref, value *ast.Term) {
	m := c.top()
	h := ref.Hash()
	bucket := m[h]
	for i := range bucket {
		if bucket[i].ref.Equal(ref) {
			bucket[i].value, bucket[i].undefined = value, value == nil
			return
		}
	}
	m[h] = append(bucket, cacheEntry{ref: append(ast.Ref(nil), ref...), value: value, undefined: value == nil})
}

// Keys returns the references cached with a value in the active frame.
func (c *flatCache) Keys() []ast.Ref {
	var keys []ast.Ref
	for _, bucket := range c.top() {
		for _, e := range bucket {
			if !e.undefined {
				keys = append(keys, e.ref)
			}
		}
	}
	return keys
}
