# METADATA
# title: SUP infrastructure (checklist steps 4-5)
# description: |
#   Which computer is the active software update point, that it is unique,
#   resolves and answers; and, when it is remote from the site server, the
#   WSUS 3.0 Administration Console on the site server.
package supaudit.checks.infrastructure

import data.supaudit.lib

results contains r if some r in sup_04

results contains r if some r in sup_05

names(ss) := concat(", ", sort([s.fqdn | some s in ss]))

# METADATA
# scope: document
# title: Determine what computer will be the software update point site system server
# description: |
#   A site system is designated as the active SUP; one active SUP per site,
#   plus at most one active Internet-based SUP; each resolves and answers.
# custom:
#   id: SUP-04
#   severity: high
#   more_information: Determine the Software Update Point Infrastructure
#   remediation:
#     - "Choose the site system server that gets the software update point role; its FQDN must resolve and its WSUS web site must answer on the WSUS ports from the site server."
#   fixes:
#     designate:
#       - "Choose the site system server for the active SUP (the site server or a remote site system with WSUS 3.0)."
#       - "In the ConfigMgr console, Site Settings > Component Configuration > Software Update Point Component > General: select Use this server as the active software update point."
#     collect_role:
#       - "Collect the site control file (sitectrl.ct0) from the site server, or add the SUP role facts to the snapshot."
#     one_active:
#       - "Keep one active SUP per site: in the Software Update Point Component properties name a single server as the active SUP, and remove or deactivate the others."
#     one_internet:
#       - "Keep at most one active Internet-based SUP: on the Internet-based tab of the Software Update Point Component properties name a single server."
#     dns:
#       - "Register {subject} in DNS (an A record for the intranet FQDN) and check that clients and the site server resolve it."
#       - "Use the FQDN in the site system properties (Specify a fully qualified domain name for this site system)."
#     answer:
#       - "Check that IIS and the WSUS web site are running on {subject}."
#       - "Open the WSUS ports in the Windows Firewall and on network firewalls between the site server, clients and the SUP."
#     probe:
#       - "Probe the SUP's ports (supaudit collect --probe) or collect WCM.log from the site server, which records each connection to WSUS."
sup_04 contains {
	"step": "SUP-04",
	"status": "pass",
	"subject": lib.site_name,
	"message": sprintf("%s is the site's one active software update point", [s.fqdn]),
	"evidence": [lib.evidence(sprintf("servers[%s].sup.active", [s.fqdn]), s.sup.active)],
} if s := lib.active_sup

sup_04 contains {
	"step": "SUP-04",
	"status": "fail",
	"subject": lib.site_name,
	"message": "no site system is designated as the active software update point",
	"evidence": [lib.evidence(sprintf("servers[%s].sup.active", [s.fqdn]), s.sup.active) | some s in input.servers; s.sup.active],
	"fix": "designate",
} if {
	lib.sup_facts_known
	count(lib.active_sups) == 0
	count(lib.active_unknown) == 0
}

sup_04 contains lib.result(rego.metadata.chain(), {
	"status": "unknown",
	"subject": lib.site_name,
	"message": sprintf("no site system is known to be the active software update point, and for %s it is unknown (%s)", [concat(", ", sort([s.fqdn | some s in lib.active_unknown])), concat("; ", sort({lib.why(s.sup.active) | some s in lib.active_unknown}))]),
	"evidence": [lib.evidence(sprintf("servers[%s].sup.active", [s.fqdn]), s.sup.active) | some s in lib.active_unknown],
	"fix": "collect_active",
}) if {
	lib.sup_facts_known
	count(lib.active_sups) == 0
	count(lib.active_unknown) > 0
}

sup_04 contains {
	"step": "SUP-04",
	"status": "unknown",
	"subject": lib.site_name,
	"message": "no collected fact says which site system is the active software update point",
	"fix": "collect_role",
} if {
	not lib.sup_facts_known
}

sup_04 contains {
	"step": "SUP-04",
	"status": "fail",
	"subject": lib.site_name,
	"message": sprintf("%d site systems are designated as the active software update point (%s); a site has exactly one", [count(lib.active_sups), names(lib.active_sups)]),
	"evidence": [lib.evidence(sprintf("servers[%s].sup.active", [s.fqdn]), s.sup.active) | some s in lib.active_sups],
	"fix": "one_active",
} if count(lib.active_sups) > 1

sup_04 contains {
	"step": "SUP-04",
	"status": "fail",
	"subject": lib.site_name,
	"message": sprintf("%d site systems are designated as the active Internet-based software update point (%s); a site has at most one", [count(lib.internet_sups), names(lib.internet_sups)]),
	"evidence": [lib.evidence(sprintf("servers[%s].sup.internet_based", [s.fqdn]), s.sup.internet_based) | some s in lib.internet_sups],
	"fix": "one_internet",
} if count(lib.internet_sups) > 1

designated contains s if some s in lib.active_sups

designated contains s if some s in lib.internet_sups

# wsus_ports(s) are the ports WSUS is known to use on s: the SUP role's and
# the WSUS web site's. Only probes of these ports say whether the SUP
# answers; an answer on, say, a remote desktop port does not.
wsus_ports(s) := {p.value | some k in ["http_port", "https_port"]; p := s.sup[k]; lib.known(p)} | {p.value | some k in ["port", "ssl_port"]; p := s.wsus[k]; lib.known(p)}

# probes(s) are the reachability checks that count for s: those of its WSUS
# ports, or all of them when its WSUS ports are not known.
probes(s) := wanted_probes(object.get(s, "ports", []), wsus_ports(s))

# (wsus_ports(s) is computed once per server, not once per probe.)
wanted_probes(ports, wanted) := [p | some p in ports; p.port in wanted] if count(wanted) > 0

wanted_probes(ports, wanted) := ports if count(wanted) == 0

port_evidence(s) := [lib.evidence(sprintf("servers[%s].ports[%d].reachable", [s.fqdn, p.port]), p.reachable) | some p in probes(s)]

answering(s) := [p.port | some p in probes(s); lib.is_true(p.reachable)]

# A designated SUP that answered on some port resolves and answers.
sup_04 contains {
	"step": "SUP-04",
	"status": "pass",
	"subject": s.fqdn,
	"message": sprintf("%s answers on port %s", [s.fqdn, concat(", ", [sprintf("%d", [p]) | some p in answering(s)])]),
	"evidence": port_evidence(s),
} if {
	some s in designated
	count(answering(s)) > 0
}

sup_04 contains {
	"step": "SUP-04",
	"status": "fail",
	"subject": s.fqdn,
	"message": sprintf("%s does not resolve in DNS", [s.fqdn]),
	"evidence": [lib.evidence(sprintf("servers[%s].resolves", [s.fqdn]), s.resolves)],
	"fix": "dns",
} if {
	some s in designated
	count(answering(s)) == 0
	lib.is_false(s.resolves)
}

sup_04 contains {
	"step": "SUP-04",
	"status": "fail",
	"subject": s.fqdn,
	"message": sprintf("%s does not answer on port %s", [s.fqdn, concat(", ", [sprintf("%d%s (%s)", [p.port, lib.tested_from(p), lib.source(p.reachable.provenance)]) | some p in probes(s)])]),
	"evidence": port_evidence(s),
	"fix": "answer",
} if {
	some s in designated
	all_unreachable(s)
	not lib.is_false(object.get(s, ["resolves"], {}))
}

sup_04 contains {
	"step": "SUP-04",
	"status": "unknown",
	"subject": s.fqdn,
	"message": sprintf("not established whether %s resolves and answers: no port was found reachable or unreachable", [s.fqdn]),
	"evidence": array.concat([lib.evidence(sprintf("servers[%s].resolves", [s.fqdn]), object.get(s, "resolves", {}))], port_evidence(s)),
	"fix": "probe",
} if {
	some s in designated
	count(answering(s)) == 0
	not lib.is_false(object.get(s, ["resolves"], {}))
	not all_unreachable(s)
}

all_unreachable(s) if {
	count(probes(s)) > 0
	every p in probes(s) { lib.is_false(p.reachable) }
}

# METADATA
# scope: document
# title: If the active SUP is on a remote site system, install the WSUS 3.0 Administration Console on the site server
# description: |
#   not_applicable when the active SUP is the site server; otherwise the
#   WSUS Administration Console is installed on the site server, at the
#   WSUS 3.0 level the site needs (3.0 SP1 or later for ConfigMgr 2007 SP1
#   and later) and at the same level as WSUS on the SUP.
# custom:
#   id: SUP-05
#   severity: high
#   more_information: How to Install the Windows Server Update Services 3.0 Administration Console
#   remediation:
#     - "Where the active software update point is a remote site system, install the WSUS 3.0 Administration Console (the WSUS version of the SUP, SP1 or later for ConfigMgr 2007 SP1) on the site server."
#   fixes:
#     collect_identity:
#       - "Collect the site server's identity (HKLM\\SOFTWARE\\Microsoft\\SMS\\Identification or the site control file)."
#     collect_setup:
#       - "Collect the WSUS setup registry key (HKLM\\SOFTWARE\\Microsoft\\Update Services\\Server\\Setup) from the site server."
#     install_console:
#       - "Install the WSUS 3.0 Administration Console on the site server: run WSUS 3.0 setup (WSUSSetup.exe) and choose Administration Console only."
#       - "Use the same WSUS 3.0 service pack as on the SUP (WSUS 3.0 SP1 or later for ConfigMgr 2007 SP1 and later)."
#       - "Check WCM.log on the site server for a successful connection to the WSUS server afterwards."
#     collect_version:
#       - "Collect the VersionString value of HKLM\\SOFTWARE\\Microsoft\\Update Services\\Server\\Setup on the site server."
#     collect_configmgr_version:
#       - "Collect the site's ConfigMgr version (HKLM\\SOFTWARE\\Microsoft\\SMS\\Setup, Full Version)."
#     same_level:
#       - "Upgrade the WSUS Administration Console on the site server (or WSUS on the SUP) so both run the same WSUS 3.0 service pack."
sup_05 contains {
	"step": "SUP-05",
	"status": "not_applicable",
	"subject": s.fqdn,
	"message": sprintf("the active SUP is the site server %s; the console comes with WSUS", [s.fqdn]),
	"evidence": [lib.evidence("site.site_server", input.site.site_server)],
} if {
	s := lib.active_sup
	lib.is_site_server(s)
}

sup_05 contains {
	"step": "SUP-05",
	"status": "unknown",
	"subject": lib.site_name,
	"message": "cannot tell whether the active SUP is remote: the site server is not known",
	"evidence": [lib.evidence("site.site_server", object.get(input.site, "site_server", {}))],
	"fix": "collect_identity",
} if {
	not lib.known(object.get(input, ["site", "site_server"], {}))
}

sup_05 contains {
	"step": "SUP-05",
	"status": "unknown",
	"subject": lib.site_name,
	"message": "cannot tell whether the active SUP is remote: there is not exactly one active SUP (see SUP-04)",
} if {
	lib.known(input.site.site_server)
	not lib.active_sup
}

remote_sup := s if {
	s := lib.active_sup
	lib.known(input.site.site_server)
	not lib.is_site_server(s)
}

# site_server_entry is the site server's entry, or {} when it is not listed,
# so that the facts below are always defined (possibly as {}: unknown).
site_server_entry := object.get(lib.servers_by_host, lib.host(object.get(input.site, ["site_server", "value"], "")), {})

console_fact := object.get(site_server_entry, ["wsus", "install_type"], {})

sup_05 contains {
	"step": "SUP-05",
	"status": "unknown",
	"subject": input.site.site_server.value,
	"message": sprintf("the active SUP %s is remote, but whether the WSUS Administration Console is installed on the site server %s is unknown (%s)", [remote_sup.fqdn, input.site.site_server.value, reason]),
	"evidence": [lib.evidence(sprintf("servers[%s].wsus.install_type", [input.site.site_server.value]), console_fact)],
	"fix": "collect_setup",
} if {
	remote_sup
	not lib.known(console_fact)
	reason := console_unknown_reason
}

console_unknown_reason := "the site server is not among the collected servers" if not lib.site_server

console_unknown_reason := lib.why(console_fact) if {
	lib.site_server
	not lib.known(console_fact)
}

sup_05 contains {
	"step": "SUP-05",
	"status": "fail",
	"subject": input.site.site_server.value,
	"message": sprintf("the active SUP %s is remote, and the WSUS Administration Console is not installed on the site server %s", [remote_sup.fqdn, input.site.site_server.value]),
	"evidence": [lib.evidence(sprintf("servers[%s].wsus.install_type", [input.site.site_server.value]), console_fact)],
	"fix": "install_console",
} if {
	remote_sup
	console_fact.value == "none"
}

console_version := object.get(site_server_entry, ["wsus", "version"], {})

console_installed if console_fact.value in {"server", "console"}

sup_05 contains {
	"step": "SUP-05",
	"status": "unknown",
	"subject": input.site.site_server.value,
	"message": sprintf("the WSUS Administration Console is installed on the site server %s, but its version is unknown (%s)", [input.site.site_server.value, lib.why(console_version)]),
	"evidence": [lib.evidence(sprintf("servers[%s].wsus.install_type", [input.site.site_server.value]), console_fact)],
	"fix": "collect_version",
} if {
	remote_sup
	console_installed
	not lib.known(console_version)
}

console_evidence := [
	lib.evidence(sprintf("servers[%s].wsus.install_type", [input.site.site_server.value]), console_fact),
	lib.evidence(sprintf("servers[%s].wsus.version", [input.site.site_server.value]), console_version),
	lib.evidence("site.configmgr_version", object.get(input.site, "configmgr_version", {})),
]

sup_05 contains {
	"step": "SUP-05",
	"status": "fail",
	"subject": input.site.site_server.value,
	"message": sprintf("the WSUS Administration Console on the site server %s is %s (%s); this site needs %s or later", [input.site.site_server.value, lib.release_name(console_version.value), console_version.value, lib.release_name(lib.wsus_minimum)]),
	"evidence": console_evidence,
	"fix": "install_console",
} if {
	remote_sup
	console_installed
	lib.known(console_version)
	not lib.at_least(console_version.value, lib.wsus_minimum)
}

sup_05 contains {
	"step": "SUP-05",
	"status": "unknown",
	"subject": input.site.site_server.value,
	"message": sprintf("the WSUS Administration Console on the site server is %s (%s); whether the site needs WSUS 3.0 SP1 is unknown because the ConfigMgr version is unknown", [lib.release_name(console_version.value), console_version.value]),
	"evidence": console_evidence,
	"fix": "collect_configmgr_version",
} if {
	remote_sup
	console_installed
	lib.known(console_version)
	not lib.wsus_minimum
	lib.at_least(console_version.value, lib.params.wsus.minimum)
	not lib.at_least(console_version.value, lib.params.wsus.minimum_for_configmgr_sp1)
}

console_ok if {
	lib.known(console_version)
	lib.at_least(console_version.value, lib.params.wsus.minimum_for_configmgr_sp1)
}

console_ok if {
	lib.known(console_version)
	lib.at_least(console_version.value, lib.wsus_minimum)
}

sup_wsus_version := remote_sup.wsus.version.value

sup_05 contains {
	"step": "SUP-05",
	"status": "pass",
	"subject": input.site.site_server.value,
	"message": sprintf("the WSUS Administration Console %s (%s) is installed on the site server %s for the remote SUP %s", [lib.release_name(console_version.value), console_version.value, input.site.site_server.value, remote_sup.fqdn]),
	"evidence": console_evidence,
} if {
	remote_sup
	console_installed
	console_ok
	not level_mismatch
}

level_mismatch if lib.major_minor(console_version.value) != lib.major_minor(sup_wsus_version)

sup_05 contains {
	"step": "SUP-05",
	"status": "warn",
	"subject": input.site.site_server.value,
	"message": sprintf("the WSUS Administration Console on the site server is %s (%s) but WSUS on the SUP %s is %s (%s); use the same service pack level", [lib.release_name(console_version.value), console_version.value, remote_sup.fqdn, lib.release_name(sup_wsus_version), sup_wsus_version]),
	"evidence": array.concat(console_evidence, [lib.evidence(sprintf("servers[%s].wsus.version", [remote_sup.fqdn]), remote_sup.wsus.version)]),
	"fix": "same_level",
} if {
	remote_sup
	console_installed
	console_ok
	level_mismatch
}
