package supaudit.checks.wsus_test

import data.supaudit.checks.wsus
import data.supaudit.testlib as t

with_version(v) := t.snapshot([t.site_server, t.set_wsus(t.sup, "version", t.fact(v))])

test_sp2_passes if {
	rs := wsus.results with input as with_version("3.2.7600.226")
	t.statuses(rs, "SUP-06") == {"pass"}
}

test_wsus2_fails if {
	rs := wsus.results with input as with_version("2.0.0.2620")
	t.statuses(rs, "SUP-06") == {"fail"}
}

test_rtm_on_sp2_site_fails if {
	rs := wsus.results with input as with_version("3.0.6000.273")
	t.statuses(rs, "SUP-06") == {"fail"}
}

test_rtm_on_rtm_site_passes if {
	snap := object.union(with_version("3.0.6000.273"), {"site": object.union(with_version("3.0.6000.273").site, {"configmgr_version": t.fact("4.00.5931.0000")})})
	rs := wsus.results with input as snap
	t.statuses(rs, "SUP-06") == {"pass"}
}

test_rtm_unknown_site_version_unknown if {
	snap := with_version("3.0.6000.273")
	rs := wsus.results with input as t.put(snap, "site", object.remove(snap.site, ["configmgr_version"]))
	t.statuses(rs, "SUP-06") == {"unknown"}
}

test_sp1_passes_by_major_minor if {
	rs := wsus.results with input as with_version("3.1.6001.65")
	t.statuses(rs, "SUP-06") == {"pass"}
}

test_console_only_fails if {
	rs := wsus.results with input as t.snapshot([t.site_server, t.set_wsus(t.sup, "install_type", t.fact("console"))])
	t.statuses(rs, "SUP-06") == {"fail"}
}

test_wsus4_warns if {
	rs := wsus.results with input as with_version("6.2.9200.16384")
	t.statuses(rs, "SUP-06") == {"warn"}
}

test_unknown_install_unknown if {
	rs := wsus.results with input as t.snapshot([t.site_server, t.set_wsus(t.sup, "install_type", t.unknown("registry key unreadable"))])
	t.statuses(rs, "SUP-06") == {"unknown"}
}

test_no_internet_sup_not_applicable if {
	rs := wsus.results with input as t.snapshot([t.site_server, t.sup])
	t.statuses(rs, "SUP-09") == {"not_applicable"}
}

test_internet_sup_wsus2_fails if {
	rs := wsus.results with input as t.snapshot([t.site_server, t.sup, t.set_wsus(t.inet, "version", t.fact("2.0.0.2620"))])
	t.statuses(rs, "SUP-09") == {"fail"}
}

test_no_role_facts_internet_sup_unknown if {
	rs := wsus.results with input as t.snapshot([t.site_server, object.remove(t.sup, ["sup"])])
	t.statuses(rs, "SUP-09") == {"unknown"}
}
