package results

import "strings"

// CompareSteps orders checklist step ids: the built-in checklist (SUP-01 ...
// SUP-14) first, then user steps by prefix; within a prefix numerically
// ("SUP-2" before "SUP-10"), then by the id itself. It returns -1, 0 or +1
// like strings.Compare, for slices.SortFunc; the policies' step list and
// every report use it, so they agree.
func CompareSteps(a, b string) int {
	pa, na := splitStep(a)
	pb, nb := splitStep(b)
	if pa != pb {
		switch {
		case pa == "SUP":
			return -1
		case pb == "SUP":
			return 1
		}
		return strings.Compare(pa, pb)
	}
	switch {
	case na < nb:
		return -1
	case na > nb:
		return 1
	}
	return strings.Compare(a, b)
}

// splitStep splits "SUP-10" into "SUP" and 10; an id without a numeric
// suffix is its own prefix, numbered 0.
func splitStep(id string) (string, int) {
	i := strings.LastIndexByte(id, '-')
	if i < 0 {
		return id, 0
	}
	n := 0
	for _, c := range id[i+1:] {
		if c < '0' || c > '9' {
			return id, 0
		}
		n = n*10 + int(c-'0')
		if n > 1<<30 {
			return id, 0
		}
	}
	if i+1 == len(id) {
		return id, 0
	}
	return id[:i], n
}

// Ready reports whether a site whose results are counted in s is ready at
// threshold (the run's --fail-on): no result is at or above it. It is the
// one definition of readiness the reports use.
func (s Summary) Ready(threshold Status) bool { return !s.Failing(threshold) }
