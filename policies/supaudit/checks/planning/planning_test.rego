package supaudit.checks.planning_test

import data.supaudit.checks.planning
import data.supaudit.testlib as t

base := t.snapshot([t.site_server, t.sup])

test_manual_without_answers if {
	rs := planning.results with input as base
	t.statuses(rs, "SUP-01") == {"manual"}
	t.statuses(rs, "SUP-02") == {"manual"}
	t.statuses(rs, "SUP-03") == {"manual"}
}

test_attested_passes if {
	snap := object.union(base, {"answers": [{"step": "SUP-01", "by": "A. Admin", "at": "2026-11-18T10:00:00Z", "note": "reviewed"}]})
	rs := planning.results with input as snap
	t.statuses(rs, "SUP-01") == {"pass"}
	t.statuses(rs, "SUP-02") == {"manual"}
	some r in rs
	r.step == "SUP-01"
	contains(r.message, "A. Admin")
}

test_latest_answer_wins if {
	snap := object.union(base, {"answers": [
		{"step": "SUP-02", "by": "old", "at": "2026-01-01T00:00:00Z"},
		{"step": "SUP-02", "by": "new", "at": "2026-06-01T00:00:00Z"},
	]})
	rs := planning.results with input as snap
	[r | some r in rs; r.step == "SUP-02"][0].message == "attested by new on 2026-06-01T00:00:00Z"
}

test_empty_setting_warns if {
	snap := object.union(base, {"sup_settings": {"products": t.fact([]), "languages": t.fact(["English"])}})
	rs := planning.results with input as snap
	t.statuses(rs, "SUP-03") == {"manual", "warn"}
	count([r | some r in rs; r.status == "warn"]) == 1
}

# The step's title and More Information topic come from its METADATA,
# added by the engine (policies/engine_test.go TestResultsCarryStepMetadata),
# and so does its remediation: the result names the fix ("attest", in the
# package's METADATA) and what to do.
test_manual_result_carries_remediation if {
	rs := planning.results with input as base
	some r in rs
	r.step == "SUP-01"
	r.status == "manual"
	r.fix == "attest"
	startswith(r.fix_args.what, "review the software update point concepts")
}

# An attestation dated after 2262 is judged (the latest one wins).
test_far_future_attestation if {
	snap := object.union(base, {"answers": [
		{"step": "SUP-01", "by": "a", "at": "2026-11-19T00:00:00Z"},
		{"step": "SUP-01", "by": "b", "at": "9999-01-01T00:00:00Z"},
	]})
	rs := planning.results with input as snap
	some r in rs
	r.step == "SUP-01"
	r.status == "pass"
	contains(r.message, "attested by b")
}
