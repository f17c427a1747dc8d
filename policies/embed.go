// Package policies holds supaudit's Rego policies (embedded in the binary)
// and the Engine that compiles them once and judges snapshots through a
// prepared query.
//
// Layout of the embedded policies:
//
//	supaudit/lib/       package supaudit.lib: fact helpers, result builder
//	supaudit/main/      package supaudit.main: the single entrypoint
//	supaudit/checks/X/  package supaudit.checks.X: one package per checklist area
//	params.json         data.supaudit.params: versions, ports, ages
package policies

import "embed"

// FS holds the embedded policies and their default parameters.
//
//go:embed supaudit params.json
var FS embed.FS
