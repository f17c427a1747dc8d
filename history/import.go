package history

import (
	"context"
	"errors"
	"fmt"
)

// ImportResult counts what Import did.
type ImportResult struct {
	// Imported runs were added; Present were already in the database (an
	// earlier import); Skipped files could not be read (Warnings names
	// them).
	Imported, Present, Skipped int
	Warnings                   []string
}

// Import copies every run file of a folder store into a database store,
// one transaction per run, under the file's name as the run id, so that
// importing the same folder again adds nothing. The waiver register of an
// imported run is the waivers its results record.
func Import(ctx context.Context, from *Dir, to *SQL) (ImportResult, error) {
	var res ImportResult
	paths, err := from.Files()
	if err != nil {
		return res, err
	}
	if len(paths) == 0 {
		return res, fmt.Errorf("history %s: no *.json run files to import", from.Path)
	}
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		r, err := from.ReadRun(ctx, p)
		if err != nil {
			res.Skipped++
			res.Warnings = append(res.Warnings, fmt.Sprintf("history %s: skipped: %s", p, unwrapReport(err, p)))
			continue
		}
		err = to.RecordID(ctx, RunID(p), r, waiverRecords(r))
		switch {
		case errors.Is(err, ErrExists):
			res.Present++
		case err != nil:
			return res, fmt.Errorf("import %s: %w", p, err)
		default:
			res.Imported++
		}
	}
	return res, nil
}
