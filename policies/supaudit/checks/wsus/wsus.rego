# METADATA
# title: WSUS 3.0 on the software update points (checklist steps 6 and 9)
# description: |
#   WSUS 3.0 server is installed on the active SUP and on the active
#   Internet-based SUP; ConfigMgr 2007 SP1 and later need WSUS 3.0 SP1 or
#   later. Releases are judged by Major.Minor of VersionString (3.0 RTM,
#   3.1 SP1, 3.2 SP2; WSUS 2.0 is 2.0.x).
# custom:
#   fixes:
#     install_wsus:
#       - "Install WSUS 3.0 SP1 or later (server, not console only) on {subject}: run WSUSSetup.exe, choose Full server installation including Administration Console."
#       - "Upgrade WSUS 2.0 or WSUS 3.0 RTM in place with the WSUS 3.0 SP2 installer; ConfigMgr 2007 SP1 and later require WSUS 3.0 SP1 or later."
#       - "Then reinstall or re-save the software update point role so SUPSetup.log records a supported WSUS version."
package supaudit.checks.wsus

import data.supaudit.lib

results contains r if some r in sup_06

results contains r if some r in sup_09

ev(s) := [
	lib.evidence(sprintf("servers[%s].wsus.install_type", [s.fqdn]), object.get(object.get(s, "wsus", {}), "install_type", {})),
	lib.evidence(sprintf("servers[%s].wsus.version", [s.fqdn]), object.get(object.get(s, "wsus", {}), "version", {})),
	lib.evidence("site.configmgr_version", object.get(input.site, "configmgr_version", {})),
]

# judge(s) is the list of findings for WSUS on server s: objects with
# status and message (the caller names the fix).
judge(s) := [{"status": "unknown", "message": sprintf("whether WSUS is installed on %s is unknown (%s)", [s.fqdn, lib.why(object.get(object.get(s, "wsus", {}), "install_type", {}))])}] if {
	not lib.known(object.get(s, ["wsus", "install_type"], {}))
}

judge(s) := [{"status": "fail", "message": sprintf("WSUS is not installed on %s", [s.fqdn])}] if {
	s.wsus.install_type.value == "none"
}

judge(s) := [{"status": "fail", "message": sprintf("only the WSUS Administration Console is installed on %s; the SUP needs a WSUS 3.0 server install", [s.fqdn])}] if {
	s.wsus.install_type.value == "console"
}

judge(s) := [{"status": "unknown", "message": sprintf("WSUS server is installed on %s but its version is unknown (%s)", [s.fqdn, lib.why(object.get(s.wsus, "version", {}))])}] if {
	s.wsus.install_type.value == "server"
	not lib.known(object.get(s, ["wsus", "version"], {}))
}

judge(s) := [server_version(s, s.wsus.version.value)] if {
	s.wsus.install_type.value == "server"
	lib.known(s.wsus.version)
}

server_version(s, v) := {"status": "fail", "message": sprintf("%s has %s (%s); the software update point needs WSUS 3.0", [s.fqdn, lib.release_name(v), v])} if {
	not lib.at_least(v, lib.params.wsus.minimum)
}

server_version(s, v) := {"status": "fail", "message": sprintf("%s has %s (%s); ConfigMgr 2007 %s needs %s or later", [s.fqdn, lib.release_name(v), v, input.site.configmgr_version.value, lib.release_name(lib.wsus_minimum)])} if {
	lib.at_least(v, lib.params.wsus.minimum)
	lib.wsus_minimum
	not lib.at_least(v, lib.wsus_minimum)
}

server_version(s, v) := {"status": "unknown", "message": sprintf("%s has %s (%s), enough for ConfigMgr 2007 RTM but not SP1 or later; the site's ConfigMgr version is unknown", [s.fqdn, lib.release_name(v), v])} if {
	lib.at_least(v, lib.params.wsus.minimum)
	not lib.wsus_minimum
	not lib.at_least(v, lib.params.wsus.minimum_for_configmgr_sp1)
}

server_version(s, v) := {"status": "warn", "message": sprintf("%s has WSUS %s, newer than WSUS 3.0 SP2; the checklist is written for WSUS 3.0 and ConfigMgr 2007", [s.fqdn, v])} if {
	lib.at_least(v, lib.params.wsus.minimum)
	lib.major_minor(v) > lib.version(lib.params.wsus.newest_supported)
}

server_version(s, v) := {"status": "pass", "message": sprintf("%s has %s (%s)%s", [s.fqdn, lib.release_name(v), v, site_note])} if {
	lib.at_least(v, lib.params.wsus.minimum)
	satisfies_site(v)
	lib.major_minor(v) <= lib.version(lib.params.wsus.newest_supported)
}

satisfies_site(v) if lib.at_least(v, lib.wsus_minimum)

satisfies_site(v) if lib.at_least(v, lib.params.wsus.minimum_for_configmgr_sp1)

site_note := sprintf(", enough for ConfigMgr 2007 %s", [input.site.configmgr_version.value]) if lib.known(input.site.configmgr_version)

site_note := "" if not lib.known(object.get(input, ["site", "configmgr_version"], {}))

# METADATA
# scope: document
# title: Install WSUS 3.0 on the active software update point computer
# description: |
#   WSUS 3.0 server (not 2.0, not console only, not absent) on the active
#   SUP; WSUS 3.0 SP1 or later when the site runs ConfigMgr 2007 SP1 or later.
# custom:
#   id: SUP-06
#   severity: high
#   more_information: How to Install Windows Server Update Services 3.0
#   remediation:
#     - "Install WSUS 3.0 (SP1 or later for ConfigMgr 2007 SP1 and later) on the computer that is or will be the active software update point."
sup_06 contains {
	"step": "SUP-06",
	"status": f.status,
	"subject": s.fqdn,
	"message": f.message,
	"evidence": ev(s),
	"fix": fix_for(f),
} if {
	s := lib.active_sup
	some f in judge(s)
}

sup_06 contains {
	"step": "SUP-06",
	"status": "unknown",
	"subject": lib.site_name,
	"message": "there is not exactly one active software update point, so the computer to check for WSUS 3.0 is unknown (see SUP-04)",
} if not lib.active_sup

# fix_for(f) names the fix of a finding: install_wsus, defined in the
# package annotation; none for a pass.
fix_for(f) := [] if f.status == "pass"

fix_for(f) := "install_wsus" if f.status != "pass"

# METADATA
# scope: document
# title: "Internet-based SUP: install WSUS 3.0 on its computer"
# description: |
#   As SUP-06, for each Internet-based SUP; not_applicable when the site has
#   no Internet-based SUP.
# custom:
#   id: SUP-09
#   severity: high
#   more_information: How to Install Windows Server Update Services 3.0
#   remediation:
#     - "Install WSUS 3.0 (SP1 or later for ConfigMgr 2007 SP1 and later) on the computer that will be the active Internet-based software update point."
sup_09 contains {
	"step": "SUP-09",
	"status": f.status,
	"subject": s.fqdn,
	"message": f.message,
	"evidence": ev(s),
	"fix": fix_for(f),
} if {
	some s in lib.internet_candidates
	some f in judge(s)
}

sup_09 contains lib.internet_gate("SUP-09")
