# METADATA
# title: Native mode (checklist scope)
# description: |
#   The checklist is for a native mode site: Internet-based client
#   management, and so any SUP that accepts Internet clients, needs native
#   mode.
package supaudit.checks.site_mode

import data.supaudit.lib

results contains r if some r in sup_13

internet_facing contains s if {
	some s in input.servers
	lib.accepts_internet(s)
}

internet_facing contains s if some s in lib.internet_candidates

mode := object.get(input, ["site", "mode"], {})

ev := array.concat(
	[lib.evidence("site.mode", object.get(input.site, "mode", {}))],
	[lib.evidence(sprintf("servers[%s].sup.accepts", [s.fqdn]), object.get(object.get(s, "sup", {}), "accepts", {})) | some s in internet_facing],
)

names := concat(", ", sort([s.fqdn | some s in internet_facing]))

# METADATA
# scope: document
# title: The site is in native mode wherever a software update point accepts Internet clients
# description: |
#   A mixed mode site with an Internet-based SUP (or a SUP that accepts
#   Internet clients) fails; without one, mixed mode is not_applicable
#   unless params.require_native_mode is true.
# custom:
#   id: SUP-13
#   severity: high
#   more_information: About Native Mode; Planning for Native Mode
#   remediation:
#     - "Put the site in native mode (an Internet-based software update point serves Internet clients of a native mode site only): About Native Mode, Planning for Native Mode."
#   fixes:
#     native_mode:
#       - "Deploy PKI certificates to the site systems and clients (Certificate Requirements for Native Mode) and check clients with the Native Mode Readiness Tool."
#       - "Specify the site server signing certificate and change the site to native mode on the Site Mode tab of the site properties."
#       - "Or, until then, set every SUP to allow intranet-only client connections and remove the Internet-based SUP."
#     plan_native_mode:
#       - "Plan and configure native mode (About Native Mode; Planning for Native Mode), then change the site mode on the Site Mode tab of the site properties."
#     collect_mode:
#       - "Collect the site control file from the site server, or read the Site Mode tab of the site properties."
sup_13 contains {
	"step": "SUP-13",
	"status": "pass",
	"subject": lib.site_name,
	"message": sprintf("%s is in native mode", [lib.site_name]),
	"evidence": ev,
} if mode.value == "native"

sup_13 contains {
	"step": "SUP-13",
	"status": "fail",
	"subject": lib.site_name,
	"message": sprintf("%s is in mixed mode but %s accepts Internet clients; Internet-based client management requires native mode", [lib.site_name, names]),
	"evidence": ev,
	"fix": "native_mode",
} if {
	mode.value == "mixed"
	count(internet_facing) > 0
}

sup_13 contains {
	"step": "SUP-13",
	"status": "fail",
	"subject": lib.site_name,
	"message": sprintf("%s is in mixed mode; this audit requires native mode (params.require_native_mode)", [lib.site_name]),
	"evidence": ev,
	"fix": "plan_native_mode",
} if {
	mode.value == "mixed"
	count(internet_facing) == 0
	lib.params.require_native_mode
}

sup_13 contains {
	"step": "SUP-13",
	"status": "not_applicable",
	"subject": lib.site_name,
	"message": sprintf("%s is in mixed mode and no software update point accepts Internet clients, so native mode is not required", [lib.site_name]),
	"evidence": ev,
} if {
	mode.value == "mixed"
	count(internet_facing) == 0
	lib.sup_facts_known
	not lib.params.require_native_mode
}

sup_13 contains {
	"step": "SUP-13",
	"status": "unknown",
	"subject": lib.site_name,
	"message": sprintf("%s is in mixed mode; whether any software update point accepts Internet clients is unknown because no SUP role fact was collected", [lib.site_name]),
	"evidence": ev,
	"fix": "collect_sitectrl",
} if {
	mode.value == "mixed"
	count(internet_facing) == 0
	not lib.sup_facts_known
	not lib.params.require_native_mode
}

sup_13 contains {
	"step": "SUP-13",
	"status": "unknown",
	"subject": lib.site_name,
	"message": sprintf("the site mode (native or mixed) is unknown (%s)", [lib.why(object.get(input.site, "mode", {}))]),
	"evidence": ev,
	"fix": "collect_mode",
} if not lib.known(mode)
