package policies

import (
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/topdown"
)

// flatCache is the evaluation's cache of rule and function results
// (OPA's topdown.VirtualCache), kept as one hash table per frame instead of
// OPA's default trie with one node and one hash map per segment of each
// reference. OPA memoizes every function call in this cache, keyed by the
// function's reference and its arguments, so the trie allocates several
// nodes for nearly every call the policies make.
//
// The entries of all frames live in one slice and the keys' copies in
// another, chained by index from the frames' tables, and a cache is reused
// from one evaluation to the next (getFlatCache, release): after the first
// few evaluations a cache allocates nothing. One cache serves one
// evaluation at a time (it is not safe for concurrent use).
type flatCache struct {
	frames  []map[uint64]int32 // key hash -> index of the newest entry with it, +1
	entries []cacheEntry
	terms   []*ast.Term // backing store of the entries' keys
}

type cacheEntry struct {
	ref       ast.Ref
	value     *ast.Term
	next      int32 // index of the next entry with the same hash, +1; 0 ends the chain
	undefined bool
}

var _ topdown.VirtualCache = (*flatCache)(nil)

var flatCaches = sync.Pool{New: func() any { return newFlatCache() }}

// getFlatCache returns an empty cache, reused when one is free.
func getFlatCache() *flatCache { return flatCaches.Get().(*flatCache) }

// release empties the cache, dropping every reference it holds into the
// evaluation that used it, and makes it available to the next one.
func (c *flatCache) release() {
	for len(c.frames) > 1 {
		c.Pop()
	}
	clear(c.frames[0])
	clear(c.entries)
	c.entries = c.entries[:0]
	clear(c.terms)
	c.terms = c.terms[:0]
	flatCaches.Put(c)
}

func newFlatCache() *flatCache {
	c := &flatCache{
		frames:  []map[uint64]int32{make(map[uint64]int32, 512)},
		entries: make([]cacheEntry, 0, 512),
		terms:   make([]*ast.Term, 0, 2048),
	}
	return c
}

// Push starts a new frame (OPA pushes one for each "with" modifier); its
// entries are not seen by other frames.
func (c *flatCache) Push() {
	if n := len(c.frames); n < cap(c.frames) && c.frames[:n+1][n] != nil {
		c.frames = c.frames[:n+1]
		return
	}
	c.frames = append(c.frames, make(map[uint64]int32, 64))
}

// Pop drops the newest frame. Its table is kept, emptied, for the next Push;
// its entries stay in the shared slice until the cache is released.
func (c *flatCache) Pop() {
	clear(c.frames[len(c.frames)-1])
	c.frames = c.frames[:len(c.frames)-1]
}

func (c *flatCache) top() map[uint64]int32 { return c.frames[len(c.frames)-1] }

func (c *flatCache) find(ref ast.Ref, h uint64) *cacheEntry {
	for i := c.top()[h]; i != 0; i = c.entries[i-1].next {
		if e := &c.entries[i-1]; e.ref.Equal(ref) {
			return e
		}
	}
	return nil
}

// Get returns (value, false) when ref is cached with a value, (nil, true)
// when it is cached as undefined, and (nil, false) when it is not cached.
func (c *flatCache) Get(ref ast.Ref) (*ast.Term, bool) {
	e := c.find(ref, uint64(ref.Hash()))
	if e == nil {
		return nil, false
	}
	if e.undefined {
		return nil, true
	}
	return e.value, false
}

// Put records ref's value, or that it is undefined when value is nil. The
// caller may reuse ref's backing array, so the key is copied.
func (c *flatCache) Put(ref ast.Ref, value *ast.Term) {
	h := uint64(ref.Hash())
	if e := c.find(ref, h); e != nil {
		e.value, e.undefined = value, value == nil
		return
	}
	start := len(c.terms)
	c.terms = append(c.terms, ref...)
	key := ast.Ref(c.terms[start:len(c.terms):len(c.terms)])
	m := c.top()
	c.entries = append(c.entries, cacheEntry{ref: key, value: value, next: m[h], undefined: value == nil})
	m[h] = int32(len(c.entries))
}

// Keys returns the references cached with a value in the active frame.
func (c *flatCache) Keys() []ast.Ref {
	var keys []ast.Ref
	for _, head := range c.top() {
		for i := head; i != 0; i = c.entries[i-1].next {
			if e := c.entries[i-1]; !e.undefined {
				keys = append(keys, e.ref)
			}
		}
	}
	return keys
}
