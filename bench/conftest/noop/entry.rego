# Control entry policy for `make bench` only: the same package and rule
# names as ../entry.rego, compiled together with the same supaudit
# policies, but deny and warn never evaluate supaudit's results. Timing
# conftest with it measures conftest's own fixed cost per file (reading and
# parsing the file, preparing and running its queries, writing the output)
# apart from the policy evaluation both tools share.
package main

deny contains msg if {
	input.id == "supaudit-bench-never-matches"
	msg := "unreachable"
}

warn contains msg if {
	input.id == "supaudit-bench-never-matches"
	msg := "unreachable"
}
