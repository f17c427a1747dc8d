# METADATA
# title: supaudit policy library
# description: |
#   Helpers shared by the checklist packages: reading facts (a fact is an
#   object with "value" or "unknown", and "provenance"), comparing versions,
#   building result objects from a rule's METADATA, and the evaluation time.
# custom:
#   fixes:
#     collect_sitectrl:
#       - "Collect the site control file (sitectrl.ct0) from the site server."
#     collect_active:
#       - "Collect the whole site control file (sitectrl.ct0) from the site server: the SMS_WSUS_CONFIGURATION_MANAGER component's DefaultWSUS property names the active software update point."
#     collect_internet_sup:
#       - "Collect the site control file (sitectrl.ct0) from the site server, which names the active Internet-based software update point."
package supaudit.lib

# params are the policy constants (versions, ports, ages), overridable with
# --data.
params := data.supaudit.params

# known(f) holds when the fact was established (it has a value, which may be
# false).
known(f) if _ = f.value

# is_true(f) / is_false(f) hold only for a known boolean fact.
is_true(f) if f.value == true

is_false(f) if f.value == false

# lower case host name without a trailing dot, for comparing FQDNs.
host(name) := trim_suffix(lower(name), ".")

same_host(a, b) if host(a) == host(b)

# evidence(name, f) is one evidence entry: the fact's name, its value or
# the reason it is unknown, its provenance and any conflicting observations.
# One else chain, so that a call evaluates the cases in turn instead of
# every definition of the function.
evidence(name, f) := {"fact": name, "value": f.value, "provenance": f.provenance, "conflicts": f.conflicts} if {
	_ = f.value
	count(f.conflicts) > 0
} else := {"fact": name, "value": f.value, "provenance": f.provenance} if {
	_ = f.value
} else := {"fact": name, "unknown": f.unknown, "provenance": f.provenance} if {
	f.unknown
} else := {"fact": name, "unknown": "not collected"}

# why(f) explains an unknown fact for messages.
why(f) := f.unknown if f.unknown

why(f) := "not collected" if not f.unknown

# has_conflict(f) holds when two sources disagree on the fact.
has_conflict(f) if count(f.conflicts) > 0

# describe(f) renders a fact's value and source for messages, e.g.
# "8530 (bundle SUP01: registry/wsus.reg:5)".
describe(f) := sprintf("%v (%s)", [f.value, source(f.provenance)])

source(p) := sprintf("%s %s: %s:%d", [p.collector, object.get(p, "host", "-"), p.source, p.line]) if p.line

source(p) := sprintf("%s %s: %s", [p.collector, object.get(p, "host", "-"), p.source]) if not p.line

# tested_from(p) says where a port check was made from, for messages:
# " from the site server" for WCM.log's connection attempts.
tested_from(p) := sprintf(" from the %s", [p.from]) if object.get(p, "from", "") != ""

tested_from(p) := "" if object.get(p, "from", "") == ""

# version(s) is a version string as an array of numbers: "3.1.6001.65" ->
# [3, 1, 6001, 65].
version(s) := [to_number(p) | some p in split(s, ".")]

# major_minor(s) is the first two numbers of a version: "3.1.6001.65" -> [3, 1].
major_minor(s) := array.slice(version(s), 0, 2)

# at_least(s, min) holds when version s is at least min, comparing only as
# many components as min has ("3.2.7600.226" is at least "3.1").
at_least(s, min) if {
	m := version(min)
	array.slice(version(s), 0, count(m)) >= m
}

# release_name(s) names a WSUS release from its Major.Minor, e.g. "WSUS 3.0 SP1".
release_name(s) := name if {
	mm := major_minor(s)
	name := params.wsus.releases[sprintf("%d.%d", mm)]
}

release_name(s) := sprintf("WSUS %d.%d", major_minor(s)) if {
	mm := major_minor(s)
	not params.wsus.releases[sprintf("%d.%d", mm)]
}

# now_ns is the instant judgements are made at: params.as_of when set, else
# the snapshot's collected_at. It is undefined when that is not an RFC 3339
# timestamp; the steps that need it then say so.
now_ns := ns(params.as_of) if params.as_of != ""

now_ns := ns(input.collected_at) if params.as_of == ""

# ns(ts) is the RFC 3339 timestamp ts as nanoseconds since
# 1970-01-01T00:00:00Z, for any year from 0000 to 9999: the built-in
# time.parse_rfc3339_ns fails outside 1678-2262 (an int64 of nanoseconds),
# and a certificate's notAfter of 9999-12-31T23:59:59Z (RFC 5280's "no
# well-defined expiration date") or a collection date far in the future
# are valid dates. Rego numbers are exact integers of any size. Fractions
# beyond nanoseconds are truncated, as Go's time.Parse does. Undefined when
# ts is not an RFC 3339 timestamp.
ns(ts) := time.parse_rfc3339_ns(ts) if {
	# The built-in is exact and cheap where it works: an RFC 3339 time
	# (snapshots and answers are checked as such when loaded) in 1678-2261.
	regex.match(`^(1(6[7-9][0-9]|[7-9][0-9]{2})|2([01][0-9]{2}|2[0-5][0-9]|26[01]))-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$`, ts)
} else := n if {
	[[_, y, mo, d, h, mi, sec, frac, zone]] := regex.find_all_string_submatch_n(`^([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$`, ts, 1)
	days := civil_days(digits(y), digits(mo), digits(d))
	secs := (((((days * 24) + digits(h)) * 60) + digits(mi)) * 60) + digits(sec)
	n := ((secs - offset_s(zone)) * 1000000000) + frac_ns(frac)
}

# digits(s) is a string of 1, 2, 4 or 9 decimal digits as a number
# ("09" -> 9), without giving to_number a leading zero.
digits(s) := to_number(concat("", ["1", s])) - digit_base[count(s)]

digit_base := {1: 10, 2: 100, 4: 10000, 9: 1000000000}

frac_ns(frac) := 0 if frac == ""

frac_ns(frac) := digits(substring(concat("", [substring(frac, 1, -1), "000000000"]), 0, 9)) if frac != ""

offset_s(zone) := 0 if upper(zone) == "Z"

offset_s(zone) := ((digits(substring(zone, 1, 2)) * 60) + digits(substring(zone, 4, 2))) * 60 if startswith(zone, "+")

offset_s(zone) := 0 - (((digits(substring(zone, 1, 2)) * 60) + digits(substring(zone, 4, 2))) * 60) if startswith(zone, "-")

# civil_days(y, m, d) is the number of days from 1970-01-01 to the
# proleptic Gregorian date y-m-d (H. Hinnant's days_from_civil).
civil_days(y, m, d) := ((era * 146097) + doe) - 719468 if {
	yy := y - to_number(m <= 2)
	era := floor(yy / 400)
	yoe := yy - (era * 400)
	doy := (floor(((153 * month_index(m)) + 2) / 5) + d) - 1
	doe := (((yoe * 365) + floor(yoe / 4)) - floor(yoe / 100)) + doy
}

month_index(m) := m - 3 if m > 2

month_index(m) := m + 9 if m <= 2

now_text := params.as_of if params.as_of != ""

now_text := input.collected_at if params.as_of == ""

# site_name is how results name the site: "site ABC", or the snapshot id.
site_name := sprintf("site %s", [input.site.code.value]) if known(input.site.code)

site_name := sprintf("site of snapshot %s", [input.id]) if not known(object.get(input, ["site", "code"], {}))

# annotations picks the annotations that carry the step id from a
# rego.metadata.chain() value.
annotations(chain) := [a | some e in chain; a := e.annotations; a.custom.id][0]

# result builds a result object for the step whose METADATA is in chain
# (pass rego.metadata.chain()). r holds status, subject, message, and
# optionally evidence (array) and remediation (array of steps).
result(chain, r) := object.union(
	{
		"step": a.custom.id,
		"title": a.title,
		"severity": object.get(a.custom, "severity", "medium"),
		"more_information": object.get(a.custom, "more_information", ""),
		"evidence": [],
		"remediation": [],
	},
	r,
) if {
	a := annotations(chain)
}
