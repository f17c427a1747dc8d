# METADATA
# title: Software update point ports (checklist step 8)
# description: |
#   A custom WSUS web site defaults to HTTP 8530 / HTTPS 8531, the IIS
#   Default Web Site to 80 / 443; the SUP role's ports must equal the WSUS
#   web site's ports, and the ports answer.
package supaudit.checks.ports

import data.supaudit.lib

results contains r if some r in sup_08

sups contains s if some s in lib.active_sups

sups contains s if some s in lib.internet_sups

expected(s) := lib.params.ports[s.wsus.web_site.value]

w(s, k) := object.get(object.get(s, "wsus", {}), k, {})

r(s, k) := object.get(object.get(s, "sup", {}), k, {})

ev(s) := [
	lib.evidence(sprintf("servers[%s].wsus.web_site", [s.fqdn]), w(s, "web_site")),
	lib.evidence(sprintf("servers[%s].wsus.port", [s.fqdn]), w(s, "port")),
	lib.evidence(sprintf("servers[%s].wsus.ssl_port", [s.fqdn]), w(s, "ssl_port")),
	lib.evidence(sprintf("servers[%s].sup.http_port", [s.fqdn]), r(s, "http_port")),
	lib.evidence(sprintf("servers[%s].sup.https_port", [s.fqdn]), r(s, "https_port")),
]

pairs := {"http": ["port", "http_port"], "https": ["ssl_port", "https_port"]}

port_label := {"port": "HTTP port", "ssl_port": "SSL port"}

# problems(s) is the set of messages that fail SUP-08 for server s. It is a
# function of the server (computed once per server) rather than a partial
# set keyed by FQDN, which OPA would evaluate again at every lookup.
problems(s) := (((mismatches(s) | wsus_conflicts(s)) | role_conflicts(s)) | default_mismatches(s)) | silent_ports(s)

# WSUS's own port (registry or IIS binding) and the role's port disagree:
# both sources are named.
mismatches(s) := {sprintf("the SUP role's %s port is %s but the WSUS web site uses %s", [proto, lib.describe(s.sup[rk]), lib.describe(s.wsus[wk])]) |
	some proto, [wk, rk] in pairs
	lib.known(s.sup[rk])
	lib.known(s.wsus[wk])
	s.sup[rk].value != s.wsus[wk].value
}

# Sources disagree on one port: report both.
wsus_conflicts(s) := {sprintf("sources disagree on the WSUS %s: %s", [port_label[k], concat(" vs ", [lib.describe(f) | some f in array.concat([s.wsus[k]], s.wsus[k].conflicts)])]) |
	some k in ["port", "ssl_port"]
	lib.has_conflict(s.wsus[k])
}

role_conflicts(s) := {sprintf("sources disagree on the SUP role's %s: %s", [k, concat(" vs ", [lib.describe(f) | some f in array.concat([s.sup[k]], s.sup[k].conflicts)])]) |
	some k in ["http_port", "https_port"]
	lib.has_conflict(s.sup[k])
}

# The WSUS port is unknown: compare the role with the web site's defaults.
default_mismatches(s) := {sprintf("WSUS uses the %s (%s port %d by default) but the SUP role's %s port is %d", [site_label(s), proto, expected(s)[proto], proto, s.sup[rk].value]) |
	some proto, [wk, rk] in pairs
	lib.known(s.wsus.web_site)
	not lib.known(object.get(s, ["wsus", wk], {}))
	lib.known(s.sup[rk])
	s.sup[rk].value != expected(s)[proto]
}

# A port that does not answer, and from where it was tested (WCM.log on
# the site server, or the probe).
silent_ports(s) := {sprintf("port %d (%s) does not answer%s (%s)", [p.port, proto, lib.tested_from(p), lib.source(p.reachable.provenance)]) |
	some proto, [_, rk] in pairs
	some p in s.ports
	p.port == s.sup[rk].value
	lib.is_false(p.reachable)
}

site_label(s) := "custom WSUS web site (WSUS Administration)" if s.wsus.web_site.value == "custom"

site_label(s) := "IIS Default Web Site" if s.wsus.web_site.value == "default"

# warnings(s): ports that are not the web site's defaults, though consistent.
warnings(s) := {sprintf("the %s normally uses %s port %d, but WSUS uses %d", [site_label(s), proto, expected(s)[proto], s.wsus[wk].value]) |
	some proto, [wk, _] in pairs
	lib.known(s.wsus.web_site)
	lib.known(s.wsus[wk])
	s.wsus[wk].value != expected(s)[proto]
}

judgeable(s) if {
	lib.known(s.sup.http_port)
	lib.known(s.wsus.port)
}

judgeable(s) if {
	lib.known(s.sup.http_port)
	lib.known(s.wsus.web_site)
}

fully_known(s) if {
	judgeable(s)
	lib.known(s.wsus.web_site)
}

# verdicts(s) are server s's SUP-08 results: one fail per problem; else one
# warn per warning, with a pass when the ports are fully known and there is
# no warning, or an unknown when they are not.
verdicts(s) := [{
	"step": "SUP-08",
	"status": "fail",
	"subject": s.fqdn,
	"message": sprintf("%s: %s", [s.fqdn, msg]),
	"evidence": e,
	"fix": "match_ports",
} |
	some msg in ps
] if {
	ps := problems(s)
	count(ps) > 0
	e := ev(s)
} else := array.concat(
	[{
		"step": "SUP-08",
		"status": "warn",
		"subject": s.fqdn,
		"message": sprintf("%s: %s", [s.fqdn, msg]),
		"evidence": e,
		"fix": "document_ports",
	} |
		some msg in ws
	],
	[r | r := pass_or_unknown(s, ws, e)],
) if {
	e := ev(s)
	ws := warnings(s)
}

pass_or_unknown(s, ws, e) := {
	"step": "SUP-08",
	"status": "pass",
	"subject": s.fqdn,
	"message": sprintf("%s: the SUP role uses ports %d/%d, matching the WSUS web site, the %s", [s.fqdn, s.sup.http_port.value, s.sup.https_port.value, site_label(s)]),
	"evidence": e,
} if {
	fully_known(s)
	count(ws) == 0
}

pass_or_unknown(s, _, e) := {
	"step": "SUP-08",
	"status": "unknown",
	"subject": s.fqdn,
	"message": sprintf("%s: the SUP role's ports or the WSUS web site's ports are unknown", [s.fqdn]),
	"evidence": e,
	"fix": "collect_ports",
} if not fully_known(s)

# METADATA
# scope: document
# title: Verify that the active software update point is configured to use the correct ports
# description: |
#   Custom WSUS web site 8530/8531, IIS Default Web Site 80/443; the SUP
#   role's ports equal the WSUS web site's; the ports answer.
# custom:
#   id: SUP-08
#   severity: high
#   more_information: How to Determine the Port Settings Used by WSUS; How to Create and Configure an Active Software Update Point
#   remediation:
#     - "Make the software update point's port settings match the WSUS web site: 8530/8531 for a custom WSUS web site, 80/443 for the IIS Default Web Site (How to Determine the Port Settings Used by WSUS)."
#   fixes:
#     match_ports:
#       - "Find the ports of the WSUS web site on {subject}: IIS 6.0 Manager > Web Sites > (WSUS Administration or Default Web Site) > Properties > Web Site: TCP port and SSL port; IIS 7: Sites > Edit Bindings."
#       - "Set the same ports on the software update point: Site Systems > {subject} > ConfigMgr software update point > Properties > General (Port number / SSL port number)."
#       - "Check WCM.log on the site server: it must connect to WSUS on the configured port."
#     document_ports:
#       - "Non-default WSUS ports work when the SUP role uses the same ports; document the choice and open these ports in the firewalls."
#     collect_ports:
#       - "Collect the WSUS setup registry key and IIS configuration from the SUP and the site control file from the site server."
sup_08 contains r if {
	some s in sups
	some r in verdicts(s)
}

sup_08 contains {
	"step": "SUP-08",
	"status": "unknown",
	"subject": lib.site_name,
	"message": "there is no active software update point whose ports could be checked (see SUP-04)",
} if count(sups) == 0
