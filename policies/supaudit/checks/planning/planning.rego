# METADATA
# title: Planning (checklist steps 1-3)
# description: |
#   The three planning steps of the checklist cannot be observed on a
#   server. They are attested in the audit's answers (--answers or the
#   snapshot's "answers"); without an attestation they are reported as
#   manual. SUP-03 also warns when collected SUP settings are empty.
# custom:
#   fixes:
#     attest:
#       - "Do the step: {what}."
#       - "Record it in the answers file (step: {step}, by, at, note) and run supaudit with --answers."
package supaudit.checks.planning

import data.supaudit.lib

results contains r if some r in sup_01

results contains r if some r in sup_02

results contains r if some r in sup_03

# attestation(step) is the latest answer for the step, looked up in
# latest_answers (built once per snapshot).
attestation(step) := latest_answers[step]

latest_answers := {step: a |
	some step in {x.step | some x in input.answers}
	answers := [x | some x in input.answers; x.step == step]
	latest := max({lib.ns(x.at) | some x in answers})
	a := [x | some x in answers; lib.ns(x.at) == latest][0]
}

attested(step) := {
	"step": step,
	"status": "pass",
	"subject": lib.site_name,
	"message": sprintf("attested by %s on %s%s", [a.by, a.at, note(a)]),
	"evidence": [{"fact": "answers", "value": a, "provenance": {"collector": "answers", "source": "answers"}}],
} if a := attestation(step)

note(a) := sprintf(": %s", [a.note]) if a.note != ""

note(a) := "" if not a.note

note(a) := "" if a.note == ""

manual(step, what) := {
	"step": step,
	"status": "manual",
	"subject": lib.site_name,
	"message": sprintf("manual step, not attested: %s", [what]),
	"fix": "attest",
	"fix_args": {"what": what},
} if not attestation(step)

# METADATA
# scope: document
# title: Review the software update point concepts
# description: Manual. Attested in the audit's answers, else manual.
# custom:
#   id: SUP-01
#   severity: low
#   manual: true
#   more_information: About the Software Update Point
#   remediation:
#     - "Review the software update point concepts (About the Software Update Point), then attest the review with --answers (docs/answers.md)."
sup_01 contains attested("SUP-01")

sup_01 contains manual("SUP-01", "review the software update point concepts (About the Software Update Point)")

# METADATA
# scope: document
# title: Learn about and plan for the software update point installation
# description: Manual. Attested in the audit's answers, else manual.
# custom:
#   id: SUP-02
#   severity: low
#   manual: true
#   more_information: Planning for the Software Update Point Installation
#   remediation:
#     - "Learn about and plan the software update point installation (Planning for the Software Update Point Installation), then attest it with --answers."
sup_02 contains attested("SUP-02")

sup_02 contains manual("SUP-02", "plan the software update point installation (Planning for the Software Update Point Installation)")

# METADATA
# scope: document
# title: Learn about and plan for the software update point settings
# description: |
#   Manual, attested in the answers; plus a warning for each collected SUP
#   setting that is empty (synchronization source, schedule,
#   classifications, products, languages). An empty schedule is expected
#   where the SUP synchronizes from an upstream server (a child site
#   synchronizes when its parent site asks it to).
# custom:
#   id: SUP-03
#   severity: low
#   manual: true
#   more_information: Planning for the Software Update Point Settings
#   remediation:
#     - "Plan the software update point settings (synchronization source and schedule, update classifications, products, languages) and set them in the SUP component properties, then attest the plan with --answers."
#   fixes:
#     set_setting:
#       - "Plan and set the {label} in the Software Update Point Component Properties (Site Settings > Component Configuration)."
#       - "Synchronize again after changing the settings."
sup_03 contains attested("SUP-03")

sup_03 contains manual("SUP-03", "plan the software update point settings (Planning for the Software Update Point Settings)")

settings := {
	"sync_source": "synchronization source",
	"sync_schedule": "synchronization schedule",
	"classifications": "update classifications",
	"products": "products",
	"languages": "languages",
}

empty(v) if v == ""

empty(v) if v == []

sup_03 contains {
	"step": "SUP-03",
	"status": "warn",
	"subject": lib.site_name,
	"message": sprintf("the SUP setting %q is empty: no %s configured", [key, label]),
	"evidence": [lib.evidence(sprintf("sup_settings.%s", [key]), f)],
	"fix": "set_setting",
	"fix_args": {"label": label},
} if {
	some key, label in settings
	f := input.sup_settings[key]
	lib.known(f)
	empty(f.value)
	not schedule_from_upstream(key)
}

# schedule_from_upstream: a SUP that synchronizes from an upstream server
# has no schedule of its own. ConfigMgr 2007: "Synchronization on child
# sites is either requested by the configured parent site after it
# completes synchronization or initiated when a previous synchronization
# failed" (How to Synchronize Software Updates).
schedule_from_upstream("sync_schedule") if {
	src := input.sup_settings.sync_source
	lib.known(src)
	not empty(src.value)
	src.value != "Microsoft Update"
}
