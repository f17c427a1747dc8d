# Entry policy for running supaudit's policies under conftest, for the
# side-by-side benchmark in `make bench` only (conftest is not a dependency
# of supaudit). conftest queries data.main.deny and data.main.warn per
# input file; both map supaudit's results onto conftest's rules.
package main

import data.supaudit.main

deny contains msg if {
	some r in main.results
	r.status == "fail"
	msg := sprintf("%s %s: %s", [r.step, r.subject, r.message])
}

warn contains msg if {
	some r in main.results
	r.status in {"warn", "unknown"}
	msg := sprintf("%s %s %s: %s", [r.step, r.status, r.subject, r.message])
}
