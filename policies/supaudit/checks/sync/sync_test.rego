package supaudit.checks.sync_test

import data.supaudit.checks.sync
import data.supaudit.testlib as t

with_sync(s) := object.union(t.snapshot([t.site_server, t.sup]), {"sync": s})

test_recent_success_passes if {
	rs := sync.results with input as t.snapshot([t.site_server, t.sup])
	t.statuses(rs, "SUP-14") == {"pass"}
}

test_stale_success_warns if {
	rs := sync.results with input as with_sync({"status": t.fact("succeeded"), "last_success": t.fact("2026-11-01T00:00:00Z")})
	t.statuses(rs, "SUP-14") == {"warn"}
}

test_max_age_is_a_parameter if {
	rs := sync.results with input as with_sync({"status": t.fact("succeeded"), "last_success": t.fact("2026-11-01T00:00:00Z")})
		with data.supaudit.params.sync.max_age_days as 30
	t.statuses(rs, "SUP-14") == {"pass"}
}

test_never_fails if {
	rs := sync.results with input as with_sync({"status": t.fact("never")})
	t.statuses(rs, "SUP-14") == {"fail"}
}

test_failed_fails if {
	rs := sync.results with input as with_sync({"status": t.fact("failed"), "last_attempt": t.fact("2026-11-19T00:00:00Z"), "last_success": t.fact("2026-11-18T00:00:00Z")})
	t.statuses(rs, "SUP-14") == {"fail"}
}

test_nothing_known_unknown if {
	rs := sync.results with input as object.remove(t.snapshot([t.site_server, t.sup]), ["sync"])
	t.statuses(rs, "SUP-14") == {"unknown"}
}

# Status message 6703's error text is in the message.
test_failed_with_error_text if {
	rs := sync.results with input as with_sync({
		"status": t.fact("failed"),
		"last_attempt": t.fact("2014-01-17T08:02:11.5Z"),
		"last_success": t.fact("2014-01-16T18:57:46.304Z"),
		"last_error": t.fact("WSUS server not configured. Please refer to WCM.log for configuration error details.; CWSyncMgr::DoSync"),
	})
	some r in rs
	r.status == "fail"
	r.message == "the last synchronization attempt (2014-01-17T08:02:11.5Z) failed: WSUS server not configured. Please refer to WCM.log for configuration error details.; CWSyncMgr::DoSync; the last success was 2014-01-16T18:57:46.304Z"
}

# Dates outside 1678-2262 (the built-in's range) are judged.
test_far_future_collection_warns if {
	snap := object.union(t.snapshot([t.site_server, t.sup]), {"collected_at": "9999-01-01T00:00:00Z"})
	rs := sync.results with input as snap
	t.statuses(rs, "SUP-14") == {"warn"}
}

test_ancient_last_success_warns if {
	rs := sync.results with input as with_sync({"status": t.fact("succeeded"), "last_success": t.fact("1601-01-01T00:00:00Z")})
	t.statuses(rs, "SUP-14") == {"warn"}
}

test_unreadable_last_success_is_unknown if {
	rs := sync.results with input as with_sync({"status": t.fact("succeeded"), "last_success": t.fact("last Tuesday")})
	t.statuses(rs, "SUP-14") == {"unknown"}
}
