# METADATA
# title: The software update point site system role (checklist steps 7, 11 and 12)
# description: |
#   The SUP role exists on the chosen site systems and is configured as the
#   site's active SUP and, where one is wanted, active Internet-based SUP.
package supaudit.checks.role

import data.supaudit.lib

results contains r if some r in sup_07

results contains r if some r in sup_11

results contains r if some r in sup_12

role_ev(s, keys) := [lib.evidence(sprintf("servers[%s].sup.%s", [s.fqdn, k]), object.get(object.get(s, "sup", {}), k, {})) | some k in keys]

role_servers := [s | some s in input.servers; lib.is_true(s.sup.present)]

# METADATA
# scope: document
# title: Create the site system with the SUP role, configure it as the active SUP and its settings
# description: |
#   The SUP role exists on the active SUP's site system and is the site's
#   active SUP; it accepts intranet clients; in a native mode site it
#   requires SSL communication to WSUS.
# custom:
#   id: SUP-07
#   severity: high
#   more_information: How to Create and Configure an Active Software Update Point
#   remediation:
#     - "In the Configuration Manager console, add the software update point site system role to the server, configure it as the active software update point, and configure the active software update point settings."
#   fixes:
#     create:
#       - "In the ConfigMgr console: Site Database > Site Management > <site> > Site Settings > Site Systems, right-click the server, New Roles, select Software update point."
#       - "Specify the WSUS ports (the WSUS web site's HTTP and HTTPS ports) and, for native mode, Require SSL communication to the WSUS server."
#       - "In Software Update Point Component Properties > General, select Use this server as the active software update point."
#     activate:
#       - "In Software Update Point Component Properties > General, select Use this server as the active software update point and name the SUP's site system."
#     one_active:
#       - "Keep one active SUP per site (see SUP-04), then judge its role again."
sup_07 contains {
	"step": "SUP-07",
	"status": "unknown",
	"subject": lib.site_name,
	"message": "no collected fact describes the software update point role",
	"fix": "collect_sitectrl",
} if not lib.sup_facts_known

sup_07 contains {
	"step": "SUP-07",
	"status": "fail",
	"subject": lib.site_name,
	"message": "no site system has the software update point role",
	"fix": "create",
} if {
	lib.sup_facts_known
	count(role_servers) == 0
	count(lib.active_sups) == 0
	count(lib.active_unknown) == 0
}

sup_07 contains {
	"step": "SUP-07",
	"status": "fail",
	"subject": lib.site_name,
	"message": sprintf("the software update point role exists on %s but no site system is configured as the active software update point", [concat(", ", sort([s.fqdn | some s in role_servers]))]),
	"evidence": [e | some s in role_servers; some e in role_ev(s, ["present", "active"])],
	"fix": "activate",
} if {
	count(role_servers) > 0
	count(lib.active_sups) == 0
	count(lib.active_unknown) == 0
	count([s | some s in role_servers; not lib.is_true(object.get(s, ["sup", "internet_based"], {}))]) > 0
}

sup_07 contains {
	"step": "SUP-07",
	"status": "unknown",
	"subject": lib.site_name,
	"message": sprintf("no site system is known to be the active software update point, and for %s it is unknown (%s)", [concat(", ", sort([s.fqdn | some s in lib.active_unknown])), concat("; ", sort({lib.why(s.sup.active) | some s in lib.active_unknown}))]),
	"evidence": [e | some s in lib.active_unknown; some e in role_ev(s, ["present", "active"])],
	"fix": "collect_active",
} if {
	lib.sup_facts_known
	count(lib.active_sups) == 0
	count(lib.active_unknown) > 0
}

# With more than one active SUP (a SUP-04 failure) the server to judge is
# ambiguous, as for SUP-05 and SUP-06.
sup_07 contains {
	"step": "SUP-07",
	"status": "unknown",
	"subject": lib.site_name,
	"message": sprintf("%d site systems are designated as the active software update point (%s), so which one's role to judge is unknown (see SUP-04)", [count(lib.active_sups), concat(", ", sort([s.fqdn | some s in lib.active_sups]))]),
	"evidence": [e | some s in lib.active_sups; some e in role_ev(s, ["present", "active"])],
	"fix": "one_active",
} if count(lib.active_sups) > 1

# findings(s) are the problems of the active SUP s: objects with status
# (fail or unknown) and message. A function of the server, computed once.
findings(s) := ((not_installed(s) | internet_only(s)) | no_ssl(s)) | accepts_unknown(s)

not_installed(s) := {{"status": "fail", "message": sprintf("%s is named as the active software update point, but the software update point role is not installed on it", [s.fqdn])} |
	lib.is_false(s.sup.present)
}

internet_only(s) := {{"status": "fail", "message": sprintf("the active software update point %s accepts only Internet clients; the active SUP must accept intranet clients", [s.fqdn])} |
	s.sup.accepts.value == "internet"
}

no_ssl(s) := {{"status": "fail", "message": sprintf("the site is in native mode but the active software update point %s does not require SSL communication to WSUS", [s.fqdn])} |
	input.site.mode.value == "native"
	lib.is_false(s.sup.ssl)
}

accepts_unknown(s) := {{"status": "unknown", "message": sprintf("which clients the active software update point %s accepts is unknown (%s)", [s.fqdn, lib.why(object.get(s.sup, "accepts", {}))])} |
	not lib.known(object.get(s, ["sup", "accepts"], {}))
}

sup_07 contains r if {
	s := lib.active_sup
	some r in active_verdicts(s)
}

# active_verdicts(s) are the SUP-07 results for the active SUP s: one per
# finding, else a pass.
active_verdicts(s) := [{
	"step": "SUP-07",
	"status": f.status,
	"subject": s.fqdn,
	"message": f.message,
	"evidence": e,
	"fix": "create",
} |
	some f in fs
] if {
	fs := findings(s)
	count(fs) > 0
	e := role_ev(s, ["present", "active", "accepts", "ssl"])
} else := [r | r := {
	"step": "SUP-07",
	"status": "pass",
	"subject": s.fqdn,
	"message": sprintf("%s has the software update point role and is the active software update point (accepts %s clients)", [s.fqdn, s.sup.accepts.value]),
	"evidence": role_ev(s, ["present", "active", "accepts", "ssl"]),
}]

# METADATA
# scope: document
# title: "Internet-based SUP: create the site system with the software update point role"
# description: The SUP role exists on the Internet-facing site system; not_applicable when none is wanted.
# custom:
#   id: SUP-11
#   severity: high
#   more_information: How to Add the Software Update Point Site Role to a Site System
#   remediation:
#     - "In the Configuration Manager console, add the software update point site system role to the Internet-facing site system."
#   fixes:
#     add_role:
#       - "Add the software update point role to {subject}: Site Systems > {subject} > New Roles > Software update point."
#       - "Give the site system its Internet FQDN and allow only Internet-based client connections."
#     add_role_first:
#       - "Add the software update point role to {subject} before naming it on the Internet-based tab."
sup_11 contains lib.internet_gate("SUP-11")

sup_11 contains {
	"step": "SUP-11",
	"status": "pass",
	"subject": s.fqdn,
	"message": sprintf("the Internet-facing site system %s has the software update point role", [s.fqdn]),
	"evidence": role_ev(s, ["present"]),
} if {
	some s in lib.internet_candidates
	lib.is_true(s.sup.present)
}

sup_11 contains {
	"step": "SUP-11",
	"status": "fail",
	"subject": s.fqdn,
	"message": sprintf("the Internet-facing site system %s has WSUS but not the software update point role", [s.fqdn]),
	"evidence": array.concat(role_ev(s, ["present"]), [lib.evidence(sprintf("servers[%s].internet_fqdn", [s.fqdn]), object.get(s, "internet_fqdn", {}))]),
	"fix": "add_role",
} if {
	some s in lib.internet_candidates
	not lib.is_true(object.get(s, ["sup", "present"], {}))
	not lib.is_true(object.get(s, ["sup", "internet_based"], {}))
	not_unknown(s)
}

not_unknown(s) if lib.known(s.sup.present)

not_unknown(s) if not s.sup

sup_11 contains {
	"step": "SUP-11",
	"status": "unknown",
	"subject": s.fqdn,
	"message": sprintf("whether %s has the software update point role is unknown (%s)", [s.fqdn, lib.why(s.sup.present)]),
	"evidence": role_ev(s, ["present"]),
	"fix": "collect_sitectrl",
} if {
	some s in lib.internet_candidates
	s.sup.present
	not lib.known(object.get(s, ["sup", "present"], {}))
}

sup_11 contains {
	"step": "SUP-11",
	"status": "fail",
	"subject": s.fqdn,
	"message": sprintf("%s is named as the active Internet-based software update point, but the role is not installed on it", [s.fqdn]),
	"evidence": role_ev(s, ["present", "internet_based"]),
	"fix": "add_role_first",
} if {
	some s in lib.internet_candidates
	lib.is_true(s.sup.internet_based)
	not lib.is_true(object.get(s, ["sup", "present"], {}))
}

# METADATA
# scope: document
# title: "Internet-based SUP: configure it as the active Internet-based SUP"
# description: |
#   The Internet-based SUP is the site's active Internet-based SUP and
#   accepts only Internet clients; the active SUP exists and accepts only
#   intranet clients.
# custom:
#   id: SUP-12
#   severity: high
#   more_information: How to Create and Configure an Active Internet-Based Software Update Point
#   remediation:
#     - "Configure the Internet-facing site system as the active Internet-based software update point (allow Internet client connections only)."
#   fixes:
#     configure_internet:
#       - "In Software Update Point Component Properties > General, set the active software update point to Allow intranet-only client connections."
#       - "On the Internet-based tab, select Active remote Internet-based software update point, name the server, set its WSUS ports and Require SSL communication to the WSUS server."
#       - "On the Internet-based SUP's site system, allow only Internet-based client connections."
sup_12 contains lib.internet_gate("SUP-12")

# inet_findings(s) are the problems of the Internet-based SUP candidate s
# (objects with status and message), computed once per server.
inet_findings(s) := (((not_designated(s) | accepts_intranet(s)) | no_active_sup(s)) | active_accepts_internet(s)) | designation_unknown(s)

not_designated(s) := {{"status": "fail", "message": sprintf("%s has the software update point role but is not configured as the active Internet-based software update point", [s.fqdn])} |
	lib.is_true(s.sup.present)
	not lib.is_true(object.get(s, ["sup", "internet_based"], {}))
}

accepts_intranet(s) := {{"status": "fail", "message": sprintf("the Internet-based software update point %s accepts %s clients; it must allow only Internet-based client connections", [s.fqdn, s.sup.accepts.value])} |
	lib.is_true(s.sup.internet_based)
	s.sup.accepts.value != "internet"
}

no_active_sup(s) := {{"status": "fail", "message": "the site has no active software update point; it must be created and configured before the active Internet-based software update point"} |
	lib.is_true(s.sup.internet_based)
	count(lib.active_sups) == 0
}

active_accepts_internet(s) := {{"status": "fail", "message": sprintf("the active software update point %s accepts %s clients; with an Internet-based SUP it must allow intranet-only client connections", [a.fqdn, a.sup.accepts.value])} |
	lib.is_true(s.sup.internet_based)
	a := lib.active_sup
	a.sup.accepts.value != "intranet"
}

designation_unknown(s) := {{"status": "unknown", "message": sprintf("whether %s is the active Internet-based software update point is unknown", [s.fqdn])} |
	not lib.known(object.get(s, ["sup", "internet_based"], {}))
	not lib.is_false(object.get(s, ["sup", "present"], {}))
}

sup_12 contains r if {
	some s in lib.internet_candidates
	lib.is_true(s.sup.present)
	some r in inet_verdicts(s)
}

# inet_verdicts(s) are the SUP-12 results for a candidate s that has the
# role: one per finding, else a pass.
inet_verdicts(s) := [{
	"step": "SUP-12",
	"status": f.status,
	"subject": s.fqdn,
	"message": f.message,
	"evidence": e,
	"fix": "configure_internet",
} |
	some f in fs
] if {
	fs := inet_findings(s)
	count(fs) > 0
	e := role_ev(s, ["present", "internet_based", "accepts"])
} else := [{
	"step": "SUP-12",
	"status": "pass",
	"subject": s.fqdn,
	"message": sprintf("%s is the active Internet-based software update point and accepts only Internet clients", [s.fqdn]),
	"evidence": role_ev(s, ["present", "internet_based", "accepts"]),
}]

sup_12 contains {
	"step": "SUP-12",
	"status": "fail",
	"subject": s.fqdn,
	"message": sprintf("%s cannot be the active Internet-based software update point: it has no software update point role (see SUP-11)", [s.fqdn]),
	"evidence": role_ev(s, ["present", "internet_based"]),
	"fix": "configure_internet",
} if {
	some s in lib.internet_candidates
	not lib.is_true(object.get(s, ["sup", "present"], {}))
}
