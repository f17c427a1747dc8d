package supaudit.checks.ports_test

import data.supaudit.checks.ports
import data.supaudit.testlib as t

test_matching_ports_pass if {
	rs := ports.results with input as t.snapshot([t.site_server, t.sup, t.inet])
	t.statuses(rs, "SUP-08") == {"pass"}
}

test_custom_site_role_on_80_fails if {
	s := t.set_sup(t.set_sup(t.sup, "http_port", t.fact(80)), "https_port", t.fact(443))
	rs := ports.results with input as t.snapshot([t.site_server, s])
	t.statuses(rs, "SUP-08") == {"fail"}
}

test_custom_site_role_on_80_fails_without_wsus_ports if {
	s := t.set_sup(t.put(t.sup, "wsus", object.remove(t.sup.wsus, ["port", "ssl_port"])), "http_port", t.fact(80))
	rs := ports.results with input as t.snapshot([t.site_server, s])
	t.statuses(rs, "SUP-08") == {"fail"}
}

test_conflicting_sources_fail if {
	conflicted := object.union(t.fact(8530), {"conflicts": [{"value": 80, "provenance": {"collector": "bundle", "source": "WCM.log", "line": 12}}]})
	rs := ports.results with input as t.snapshot([t.site_server, t.set_wsus(t.sup, "port", conflicted)])
	some r in rs
	r.status == "fail"
	contains(r.message, "disagree")
	contains(r.message, "WCM.log:12")
}

test_non_default_consistent_ports_warn if {
	s := t.set_sup(t.set_wsus(t.sup, "port", t.fact(8080)), "http_port", t.fact(8080))
	rs := ports.results with input as t.snapshot([t.site_server, s])
	t.statuses(rs, "SUP-08") == {"warn"}
}

test_unreachable_port_fails if {
	s := object.union(t.sup, {"ports": [{"port": 8530, "reachable": t.fact(false)}]})
	rs := ports.results with input as t.snapshot([t.site_server, s])
	t.statuses(rs, "SUP-08") == {"fail"}
}

test_unknown_ports if {
	s := t.put(t.put(t.sup, "wsus", {"install_type": t.fact("server")}), "sup", object.remove(t.sup.sup, ["http_port", "https_port"]))
	rs := ports.results with input as t.snapshot([t.site_server, s])
	t.statuses(rs, "SUP-08") == {"unknown"}
}

# The SUP role's port and the WSUS web site's disagree: the message names
# both sources (the site control file and the registry or IIS binding).
test_role_mismatch_names_sources if {
	role := {"value": 80, "provenance": {"collector": "bundle", "host": "SCCM01", "source": "SCCM01/sitectrl.ct0", "line": 40}}
	site := {"value": 8530, "provenance": {"collector": "bundle", "host": "SUP01", "source": "SUP01/registry/wsus-setup.reg", "line": 7}}
	s := t.set_sup(t.set_wsus(t.sup, "port", site), "http_port", role)
	rs := ports.results with input as t.snapshot([t.site_server, s])
	some r in rs
	r.status == "fail"
	r.message == "SUP01.corp.example.com: the SUP role's http port is 80 (bundle SCCM01: SCCM01/sitectrl.ct0:40) but the WSUS web site uses 8530 (bundle SUP01: SUP01/registry/wsus-setup.reg:7)"
}

# A port the site server could not reach (WCM.log) fails with its line.
test_port_unreachable_from_site_server if {
	p := {"port": 8530, "from": "site server", "reachable": {"value": false, "provenance": {"collector": "bundle", "host": "SCCM01", "source": "SCCM01/logs/WCM.log", "line": 9}}}
	rs := ports.results with input as t.snapshot([t.site_server, object.union(t.sup, {"ports": [p]})])
	some r in rs
	r.status == "fail"
	contains(r.message, "port 8530 (http) does not answer from the site server (bundle SCCM01: SCCM01/logs/WCM.log:9)")
}
