package policies

import (
	"context"
	"testing"
)

func TestEmbeddedPoliciesCompileStrict(t *testing.T) {
	e, err := New(context.Background(), Options{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Steps()) == 0 {
		t.Fatal("no annotated steps")
	}
}
