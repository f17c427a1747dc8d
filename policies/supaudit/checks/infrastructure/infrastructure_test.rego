package supaudit.checks.infrastructure_test

import data.supaudit.checks.infrastructure as infra
import data.supaudit.testlib as t

test_one_active_sup_passes if {
	rs := infra.results with input as t.snapshot([t.site_server, t.sup])
	t.statuses(rs, "SUP-04") == {"pass"}
}

test_two_active_sups_fail if {
	other := object.union(t.sup, {"fqdn": "SUP02.corp.example.com"})
	rs := infra.results with input as t.snapshot([t.site_server, t.sup, other])
	"fail" in t.statuses(rs, "SUP-04")
}

test_no_active_sup_fails if {
	rs := infra.results with input as t.snapshot([t.site_server, t.set_sup(t.sup, "active", t.fact(false))])
	"fail" in t.statuses(rs, "SUP-04")
}

test_active_unknown_is_not_a_fail if {
	s := t.set_sup(t.sup, "active", t.unknown("the site control file has no SMS_WSUS_CONFIGURATION_MANAGER component"))
	rs := infra.results with input as t.snapshot([t.site_server, s])
	t.statuses(rs, "SUP-04") == {"unknown"}
	some r in rs
	r.step == "SUP-04"
	contains(r.message, "no SMS_WSUS_CONFIGURATION_MANAGER component")
}

test_no_role_facts_unknown if {
	bare := object.remove(t.sup, ["sup"])
	rs := infra.results with input as t.snapshot([t.site_server, bare])
	t.statuses(rs, "SUP-04") == {"unknown"}
}

test_unreachable_sup_fails if {
	s := object.union(t.sup, {"ports": [{"port": 8530, "reachable": t.fact(false)}]})
	rs := infra.results with input as t.snapshot([t.site_server, s])
	some r in rs
	r.step == "SUP-04"
	r.status == "fail"
	r.subject == "SUP01.corp.example.com"
}

test_reachability_not_collected_unknown if {
	s := object.remove(t.sup, ["ports", "resolves"])
	rs := infra.results with input as t.snapshot([t.site_server, s])
	t.statuses(rs, "SUP-04") == {"pass", "unknown"}
}

test_console_on_site_server_passes if {
	rs := infra.results with input as t.snapshot([t.site_server, t.sup])
	t.statuses(rs, "SUP-05") == {"pass"}
}

test_no_console_fails if {
	ss := t.set_wsus(t.site_server, "install_type", t.fact("none"))
	rs := infra.results with input as t.snapshot([ss, t.sup])
	t.statuses(rs, "SUP-05") == {"fail"}
}

test_rtm_console_on_sp1_site_fails if {
	ss := t.set_wsus(t.site_server, "version", t.fact("3.0.6000.273"))
	rs := infra.results with input as t.snapshot([ss, t.sup])
	t.statuses(rs, "SUP-05") == {"fail"}
}

test_console_level_mismatch_warns if {
	ss := t.set_wsus(t.site_server, "version", t.fact("3.1.6001.65"))
	rs := infra.results with input as t.snapshot([ss, t.sup])
	t.statuses(rs, "SUP-05") == {"warn"}
}

test_sup_on_site_server_not_applicable if {
	local := object.union(t.sup, {"fqdn": "sccm01.corp.example.com."})
	rs := infra.results with input as t.snapshot([local])
	t.statuses(rs, "SUP-05") == {"not_applicable"}
}

test_console_unknown if {
	ss := object.remove(t.site_server, ["wsus"])
	rs := infra.results with input as t.snapshot([ss, t.sup])
	t.statuses(rs, "SUP-05") == {"unknown"}
}

test_answer_on_other_port_does_not_count if {
	s := object.union(t.sup, {"ports": [{"port": 3389, "reachable": t.fact(true)}, {"port": 8530, "reachable": t.fact(false)}]})
	rs := infra.results with input as t.snapshot([t.site_server, s])
	some r in rs
	r.step == "SUP-04"
	r.subject == "SUP01.corp.example.com"
	r.status == "fail"
	startswith(r.message, "SUP01.corp.example.com does not answer on port 8530 (")
}

# WCM.log's failed connection on the site server: a known "not reachable
# from the site server" fact with its line.
test_unreachable_from_site_server_fails if {
	p := {"port": 8530, "from": "site server", "reachable": {"value": false, "provenance": {"collector": "bundle", "host": "SCCM01.corp.example.com", "source": "SCCM01/logs/WCM.log", "line": 12}}}
	s := object.union(t.sup, {"ports": [p]})
	rs := infra.results with input as t.snapshot([t.site_server, s])
	some r in rs
	r.step == "SUP-04"
	r.status == "fail"
	r.message == "SUP01.corp.example.com does not answer on port 8530 from the site server (bundle SCCM01.corp.example.com: SCCM01/logs/WCM.log:12)"
}

test_only_other_ports_probed_unknown if {
	s := object.union(t.sup, {"ports": [{"port": 3389, "reachable": t.fact(true)}]})
	rs := infra.results with input as t.snapshot([t.site_server, s])
	t.statuses(rs, "SUP-04") == {"pass", "unknown"}
}
