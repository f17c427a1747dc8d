package report

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/supaudit/supaudit/internal/capread"
)

func readCapped(ctx context.Context, path string, max int64) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	data, err := capread.File(path, max)
	if err != nil {
		return nil, fmt.Errorf("report %s: %w", path, err)
	}
	return data, nil
}

// ReadReportFile reads one JSON report (supaudit/report/v1), at most max
// bytes.
func ReadReportFile(ctx context.Context, path string, max int64) (*Report, error) {
	data, err := readCapped(ctx, path, max)
	if err != nil {
		return nil, err
	}
	return ParseReport(path, data)
}

// ParseReport decodes a JSON report; name is used in errors.
func ParseReport(name string, data []byte) (*Report, error) {
	var r Report
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("report %s: %w", name, err)
	}
	if r.Schema != SchemaV1 {
		return nil, fmt.Errorf("report %s: schema %q, want %q", name, r.Schema, SchemaV1)
	}
	return &r, nil
}
