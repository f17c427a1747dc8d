package supaudit.checks.site_mode_test

import data.supaudit.checks.site_mode
import data.supaudit.testlib as t

mixed(servers) := object.union(t.snapshot(servers), {"site": object.union(t.snapshot(servers).site, {"mode": t.fact("mixed")})})

test_native_passes if {
	rs := site_mode.results with input as t.snapshot([t.site_server, t.sup, t.inet])
	t.statuses(rs, "SUP-13") == {"pass"}
}

test_mixed_with_internet_sup_fails if {
	rs := site_mode.results with input as mixed([t.site_server, t.sup, t.inet])
	t.statuses(rs, "SUP-13") == {"fail"}
}

test_mixed_with_both_fails if {
	rs := site_mode.results with input as mixed([t.site_server, t.set_sup(t.sup, "accepts", t.fact("both"))])
	t.statuses(rs, "SUP-13") == {"fail"}
}

test_mixed_intranet_only_not_applicable if {
	rs := site_mode.results with input as mixed([t.site_server, t.sup])
	t.statuses(rs, "SUP-13") == {"not_applicable"}
}

test_mixed_intranet_only_fails_when_required if {
	rs := site_mode.results with input as mixed([t.site_server, t.sup]) with data.supaudit.params.require_native_mode as true
	t.statuses(rs, "SUP-13") == {"fail"}
}

test_unknown_mode if {
	snap := t.snapshot([t.site_server, t.sup])
	rs := site_mode.results with input as t.put(snap, "site", object.remove(snap.site, ["mode"]))
	t.statuses(rs, "SUP-13") == {"unknown"}
}

test_mixed_without_role_facts_unknown if {
	bare := object.remove(t.sup, ["sup"])
	rs := site_mode.results with input as mixed([t.site_server, bare])
	t.statuses(rs, "SUP-13") == {"unknown"}
}
