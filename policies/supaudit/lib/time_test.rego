package supaudit.lib_test

import data.supaudit.lib

# lib.ns agrees with the built-in wherever the built-in works.
test_ns_matches_builtin if {
	every ts in [
		"1970-01-01T00:00:00Z",
		"2026-11-20T00:00:00Z",
		"2024-02-29T23:59:59Z",
		"2000-03-01T12:30:45.5Z",
		"2026-11-20T09:30:00.123456789+02:00",
		"2026-11-20T09:30:00.1234567891-05:30",
		"1969-12-31T23:59:59Z",
		"1900-01-01T00:00:00Z",
		"2262-04-11T00:00:00Z",
		"1678-01-01T00:00:00Z",
	] {
		lib.ns(ts) == time.parse_rfc3339_ns(ts)
	}
}

# Outside 1678-2262 the built-in fails; lib.ns still orders the dates.
test_ns_far_dates if {
	lib.ns("9999-12-31T23:59:59Z") == 253402300799000000000
	lib.ns("0001-01-01T00:00:00Z") == -62135596800000000000
	lib.ns("0000-03-01T00:00:00Z") < lib.ns("0001-01-01T00:00:00Z")
	lib.ns("2263-01-01T00:00:00Z") > lib.ns("2262-12-31T23:59:59.999999999Z")
}

test_ns_rejects_non_timestamps if {
	not lib.ns("2026-11-20")
	not lib.ns("yesterday")
	not lib.ns("2026-11-20T00:00:00")
}
