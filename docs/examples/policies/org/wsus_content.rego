# METADATA
# title: Organisation rules for the software update points
# description: An example user policy package; add it with --policy docs/examples/policies.
package supaudit.checks.org

import data.supaudit.lib

results contains r if some r in org_01

# METADATA
# scope: document
# title: WSUS 3.0 SP2 on every active software update point
# description: Our baseline is WSUS 3.0 SP2 (3.2) or later, above the checklist's minimum.
# custom:
#   id: ORG-01
#   severity: medium
#   more_information: Internal standard STD-112
#   fixes:
#     upgrade:
#       - "Install WSUS 3.0 SP2 on {subject} (it runs {version})."
org_01 contains lib.result(rego.metadata.chain(), {
	"status": status(s),
	"subject": s.fqdn,
	"message": sprintf("%s runs WSUS %s", [s.fqdn, s.wsus.version.value]),
	"evidence": [lib.evidence(sprintf("servers[%s].wsus.version", [s.fqdn]), s.wsus.version)],
	"fix": fix(s),
	"fix_args": {"version": s.wsus.version.value},
}) if {
	some s in lib.active_sups
	lib.known(s.wsus.version)
}

status(s) := "pass" if lib.at_least(s.wsus.version.value, "3.2")

status(s) := "fail" if not lib.at_least(s.wsus.version.value, "3.2")

# fix(s) names the fix of the METADATA that applies: none for a pass.
fix(s) := [] if status(s) == "pass"

fix(s) := "upgrade" if status(s) == "fail"
