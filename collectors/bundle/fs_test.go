package bundle

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestCollectFSMatchesCollect: the compliant and failing sample bundles
// give the same snapshot read from disk and through CollectFS.
func TestCollectFSMatchesCollect(t *testing.T) {
	for _, dir := range []string{"../../fixtures/bundles/compliant", "../../fixtures/bundles/failing"} {
		t.Run(dir, func(t *testing.T) {
			opts := Options{Now: func() time.Time { return time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC) }}
			want, err := Collect(context.Background(), dir, opts)
			if err != nil {
				t.Fatal(err)
			}
			got, err := CollectFS(context.Background(), os.DirFS(dir), want.ID, opts)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("CollectFS differs from Collect (-Collect +CollectFS):\n%s", diff)
			}
		})
	}
}
