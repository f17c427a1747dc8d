# METADATA
# title: Synchronization (checklist closing requirement)
# description: |
#   Before software updates can be deployed the active SUP must be
#   synchronized: the last synchronization succeeded, recently.
package supaudit.checks.sync

import data.supaudit.lib

results contains r if some r in sup_14

sync := object.get(input, "sync", {})

f(k) := object.get(sync, k, {})

ev := [
	lib.evidence("sync.status", f("status")),
	lib.evidence("sync.last_attempt", f("last_attempt")),
	lib.evidence("sync.last_success", f("last_success")),
	lib.evidence("sync.source", f("source")),
]

day_ns := ((24 * 60) * 60) * 1000000000

# age_days is undefined when the last success or the judgement time is not
# an RFC 3339 timestamp (lib.ns covers the years 0000-9999).
age_days := floor((lib.now_ns - lib.ns(sync.last_success.value)) / day_ns)

max_days := lib.params.sync.max_age_days

subject := sprintf("%s sync", [lib.site_name])

# METADATA
# scope: document
# title: Before updates can be deployed the active software update point must be synchronized
# description: |
#   The last synchronization succeeded; warn when the last success is older
#   than params.sync.max_age_days (default 7) at judgement time.
# custom:
#   id: SUP-14
#   severity: high
#   more_information: How to Synchronize Software Updates
#   remediation:
#     - "Synchronize software updates (Run Synchronization in the console, or wait for the schedule) and check wsyncmgr.log for a successful synchronization (status message 6702); fix what a failure (6703) names."
#   fixes:
#     collect_log:
#       - "Collect wsyncmgr.log from the site server."
#     synchronize:
#       - "Check WCM.log for WSUS configuration errors (state 2, WSUS_CONFIG_SUCCESS, is required) and wsyncmgr.log for the synchronization error."
#       - "Start a synchronization: Computer Management > Software Updates > Update Repository, right-click, Run Synchronization; watch wsyncmgr.log for Sync succeeded."
#       - "Check the upstream source (Microsoft Update or the upstream server) is reachable from the active SUP, through the proxy if one is set."
#     schedule:
#       - "Check the synchronization schedule in the Software Update Point Component properties (Sync Schedule tab)."
#     collect_finished:
#       - "Collect wsyncmgr.log (and its rolled wsyncmgr.lo_) from the site server, or wait for the synchronization to finish."
#     collect_again:
#       - "Collect wsyncmgr.log from the site server again, or correct the snapshot's collected_at (or --as-of)."
sup_14 contains {
	"step": "SUP-14",
	"status": "unknown",
	"subject": subject,
	"message": "the synchronization state of the active software update point is unknown",
	"evidence": ev,
	"fix": "collect_log",
} if {
	not lib.known(object.get(sync, ["status"], {}))
	not lib.known(object.get(sync, ["last_success"], {}))
}

sup_14 contains {
	"step": "SUP-14",
	"status": "fail",
	"subject": subject,
	"message": "the active software update point has never synchronized",
	"evidence": ev,
	"fix": "synchronize",
} if sync.status.value == "never"

sup_14 contains {
	"step": "SUP-14",
	"status": "fail",
	"subject": subject,
	"message": sprintf("the last synchronization attempt%s failed%s%s", [attempt_at, last_error, last_ok]),
	"evidence": array.concat(ev, [lib.evidence("sync.last_error", f("last_error")) | sync.last_error]),
	"fix": "synchronize",
} if sync.status.value == "failed"

attempt_at := sprintf(" (%s)", [sync.last_attempt.value]) if lib.known(sync.last_attempt)

attempt_at := "" if not lib.known(object.get(sync, ["last_attempt"], {}))

# last_error is the failure's error text (status message 6703's insertion
# strings or the "Sync failed: ..." line of wsyncmgr.log).
last_error := sprintf(": %s", [sync.last_error.value]) if lib.known(object.get(sync, ["last_error"], {}))

last_error := "" if not lib.known(object.get(sync, ["last_error"], {}))

last_ok := sprintf("; the last success was %s", [sync.last_success.value]) if lib.known(sync.last_success)

last_ok := "; no synchronization has succeeded" if not lib.known(object.get(sync, ["last_success"], {}))

fresh_status(st) if st in {"succeeded", "in_progress"}

fresh_status(_) if not lib.known(object.get(sync, ["status"], {}))

sup_14 contains {
	"step": "SUP-14",
	"status": "pass",
	"subject": subject,
	"message": sprintf("the last synchronization succeeded at %s, %d day(s) before %s", [sync.last_success.value, age_days, lib.now_text]),
	"evidence": ev,
} if {
	fresh_status(object.get(sync.status, "value", ""))
	age_days <= max_days
}

sup_14 contains {
	"step": "SUP-14",
	"status": "warn",
	"subject": subject,
	"message": sprintf("the last successful synchronization was %s, %d day(s) before %s (more than %d days)", [sync.last_success.value, age_days, lib.now_text, max_days]),
	"evidence": ev,
	"fix": ["schedule", "synchronize"],
} if {
	fresh_status(object.get(sync.status, "value", ""))
	age_days > max_days
}

sup_14 contains {
	"step": "SUP-14",
	"status": "unknown",
	"subject": subject,
	"message": sprintf("a synchronization is %s but no successful synchronization is recorded", [replace(sync.status.value, "_", " ")]),
	"evidence": ev,
	"fix": "collect_finished",
} if {
	sync.status.value in {"succeeded", "in_progress"}
	not lib.known(object.get(sync, ["last_success"], {}))
}

sup_14 contains {
	"step": "SUP-14",
	"status": "unknown",
	"subject": subject,
	"message": sprintf("the age of the last successful synchronization cannot be computed: %q or the judgement time %q is not an RFC 3339 timestamp", [sync.last_success.value, lib.now_text]),
	"evidence": ev,
	"fix": "collect_again",
} if {
	fresh_status(object.get(sync.status, "value", ""))
	lib.known(sync.last_success)
	not age_days
}
