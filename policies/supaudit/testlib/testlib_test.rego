# Helpers for the policy unit tests: a compact way to write snapshots.
# This file ends in _test.rego, so it is never part of the production
# policies.
package supaudit.testlib

prov := {"collector": "manual", "source": "unit-test"}

fact(v) := {"value": v, "provenance": prov}

unknown(reason) := {"unknown": reason, "provenance": prov}

# site_server is a site server with the WSUS 3.0 SP2 console.
site_server := {
	"fqdn": "SCCM01.corp.example.com",
	"wsus": {"install_type": fact("console"), "version": fact("3.2.7600.226")},
}

# sup is a compliant remote active SUP on the custom WSUS web site.
sup := {
	"fqdn": "SUP01.corp.example.com",
	"resolves": fact(true),
	"wsus": {
		"install_type": fact("server"),
		"version": fact("3.2.7600.226"),
		"web_site": fact("custom"),
		"port": fact(8530),
		"ssl_port": fact(8531),
		"using_ssl": fact(true),
	},
	"sup": {
		"present": fact(true),
		"active": fact(true),
		"internet_based": fact(false),
		"accepts": fact("intranet"),
		"http_port": fact(8530),
		"https_port": fact(8531),
		"ssl": fact(true),
	},
	"ports": [{"port": 8530, "reachable": fact(true)}],
}

# inet is a compliant active Internet-based SUP on the Default Web Site.
inet := {
	"fqdn": "SUPINET.corp.example.com",
	"internet_fqdn": fact("sup.example.com"),
	"wsus": {
		"install_type": fact("server"),
		"version": fact("3.2.7600.226"),
		"web_site": fact("default"),
		"port": fact(80),
		"ssl_port": fact(443),
		"using_ssl": fact(true),
		"ssl_required": {v: fact(true) | some v in ["ApiRemoting30", "ClientWebService", "DssAuthWebService", "ServerSyncWebService", "SimpleAuthWebService"]},
		"certificate": fact({
			"subject": "CN=sup.example.com",
			"dns_names": ["sup.example.com", "SUPINET.corp.example.com"],
			"issuer": "CN=Example CA",
			"not_before": "2026-01-01T00:00:00Z",
			"not_after": "2027-01-01T00:00:00Z",
			"trusted": true,
		}),
	},
	"sup": {
		"present": fact(true),
		"active": fact(true),
		"internet_based": fact(true),
		"accepts": fact("internet"),
		"http_port": fact(80),
		"https_port": fact(443),
		"ssl": fact(true),
	},
	"ports": [{"port": 443, "reachable": fact(true)}],
}

# snapshot builds a native-mode ConfigMgr 2007 SP2 site with the given
# servers, synchronized a day before collection.
snapshot(servers) := {
	"schema": "supaudit/facts/v1",
	"id": "unit",
	"collected_at": "2026-11-20T00:00:00Z",
	"site": {
		"code": fact("ABC"),
		"configmgr_version": fact("4.00.6487.2000"),
		"mode": fact("native"),
		"site_server": fact("SCCM01.corp.example.com"),
	},
	"servers": servers,
	"sync": {"status": fact("succeeded"), "last_success": fact("2026-11-19T00:00:00Z")},
}

# statuses(rs, step) is the set of statuses a result set gives a step.
statuses(rs, step) := {r.status | some r in rs; r.step == step}

# set_wsus / set_sup replace one fact of a server's wsus or sup object.
set_wsus(s, k, v) := put(s, "wsus", put(s.wsus, k, v))

set_sup(s, k, v) := put(s, "sup", put(s.sup, k, v))

# put(obj, key, val) sets obj[key] to val without merging (object.union
# merges nested objects, so it cannot remove nested keys). (Not named
# replace: that is a built-in, and a rule must not shadow one.)
put(obj, key, val) := object.union(object.remove(obj, [key]), {key: val})
