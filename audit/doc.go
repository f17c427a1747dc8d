// Package audit is supaudit's pipeline, the part the commands share:
//
//	collectors --Collect--> facts snapshot --Judge--> results --Stream--> report
//	                                                     |
//	                                          waivers, history (Post)
//
// The steps:
//
//   - Collect runs one or more collectors.Collector (bundle, WinRM,
//     probe), merges their snapshots (the first one's values win, the
//     others' disagreements are kept as conflicts) and validates the
//     result against the facts schema (supaudit collect, scan).
//   - Inputs expands snapshot files, directories and doublestar globs;
//     Judge judges them on all cores and hands their results on in input
//     order with bounded memory (supaudit check), or judges one collected
//     document (supaudit scan).
//   - Post applies waivers to each judged snapshot, notes the waivers that
//     named no result and keeps the run for --history.
//   - Stream writes the judged snapshots through a report.Writer (one
//     format, or report.Multi of several), given a header with the
//     checklist, and returns the run's trailer (summary, input errors,
//     interruption, failed, exit code).
//
// The command layer (cmd/supaudit) keeps flags, prompts, progress bars,
// the output files and the mapping of outcomes to exit codes.
package audit
