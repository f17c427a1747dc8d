package supaudit.checks.role_test

import data.supaudit.checks.role
import data.supaudit.testlib as t

test_active_sup_passes if {
	rs := role.results with input as t.snapshot([t.site_server, t.sup])
	t.statuses(rs, "SUP-07") == {"pass"}
}

test_role_without_active_fails if {
	rs := role.results with input as t.snapshot([t.site_server, t.set_sup(t.sup, "active", t.fact(false))])
	t.statuses(rs, "SUP-07") == {"fail"}
}

test_native_without_ssl_fails if {
	rs := role.results with input as t.snapshot([t.site_server, t.set_sup(t.sup, "ssl", t.fact(false))])
	t.statuses(rs, "SUP-07") == {"fail"}
}

test_internet_sup_passes if {
	rs := role.results with input as t.snapshot([t.site_server, t.sup, t.inet])
	t.statuses(rs, "SUP-11") == {"pass"}
	t.statuses(rs, "SUP-12") == {"pass"}
}

test_internet_facing_wsus_without_role_fails if {
	bare := object.remove(t.inet, ["sup"])
	rs := role.results with input as t.snapshot([t.site_server, t.sup, bare])
	t.statuses(rs, "SUP-11") == {"fail"}
	t.statuses(rs, "SUP-12") == {"fail"}
}

test_role_not_active_internet_fails if {
	s := t.set_sup(t.set_sup(t.inet, "internet_based", t.fact(false)), "active", t.fact(false))
	rs := role.results with input as t.snapshot([t.site_server, t.sup, s])
	t.statuses(rs, "SUP-11") == {"pass"}
	t.statuses(rs, "SUP-12") == {"fail"}
}

test_active_sup_accepting_both_fails_with_internet_sup if {
	rs := role.results with input as t.snapshot([t.site_server, t.set_sup(t.sup, "accepts", t.fact("both")), t.inet])
	t.statuses(rs, "SUP-12") == {"fail"}
}

test_no_internet_sup_not_applicable if {
	rs := role.results with input as t.snapshot([t.site_server, t.sup])
	t.statuses(rs, "SUP-11") == {"not_applicable"}
	t.statuses(rs, "SUP-12") == {"not_applicable"}
}

# the SUP role facts were not collected (no site control file)
no_role_facts := t.snapshot([t.site_server, object.remove(t.sup, ["sup"])])

test_no_role_facts_internet_steps_unknown if {
	rs := role.results with input as no_role_facts
	t.statuses(rs, "SUP-11") == {"unknown"}
	t.statuses(rs, "SUP-12") == {"unknown"}
}

test_two_active_sups_role_unknown if {
	sup2 := object.union(t.sup, {"fqdn": "SUP02.corp.example.com"})
	rs := role.results with input as t.snapshot([t.site_server, t.sup, sup2])
	t.statuses(rs, "SUP-07") == {"unknown"}
}

test_active_unknown_is_not_a_fail if {
	s := t.set_sup(t.sup, "active", t.unknown("the site control file has no SMS_WSUS_CONFIGURATION_MANAGER component"))
	rs := role.results with input as t.snapshot([t.site_server, s])
	t.statuses(rs, "SUP-07") == {"unknown"}
}
