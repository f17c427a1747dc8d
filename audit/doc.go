// Package audit is supaudit's pipeline, the part the commands share:
//
//	Sources --Collect--> facts snapshot --Judge--> results --Stream--> report
//	                                                 |
//	                                      waivers, history (Post)
//
// The steps:
//
//   - Sources builds the collectors.Collector a run asks for (an evidence
//     bundle, WinRM, the network probe), its options checked first; Collect
//     runs them, merges their snapshots (the first one's values win, the
//     others' disagreements are kept as conflicts) and validates the result
//     against the facts schema (supaudit collect, scan).
//   - Policy compiles the policies (Engine) with the parameters, the added
//     policies and the time to judge as of; LoadAnswers loads the
//     attestations of the manual steps; Checklist and WriteChecklist are
//     the steps as reports and supaudit checklist show them.
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
//   - A Run ties them together for check and scan: PrepareReports checks
//     every report's destination (ReportRequest: --format, --output,
//     --report) before anything is judged; NewRun compiles the policies,
//     loads the answers and the waivers and opens the history store; its
//     Files or Collected is the Source Report streams, after which Report
//     commits every file or none, notes what it wrote and records the run.
//   - Verify judges every fixture against its expected results (supaudit
//     verify); Diff compares two snapshots or two reports (supaudit diff).
//
// The command layer (cmd/supaudit) keeps the flags (bound to these
// options), the credential prompts, the progress bars, the messages on
// standard error and the mapping of outcomes to exit codes.
package audit
