// Command supaudit audits whether a Configuration Manager 2007 site is
// ready to deploy software updates: it judges facts snapshots of the site
// against the checklist for the active software update point and reports a
// verdict and remediation for every step.
//
// Exit codes: 0 no result at or above --fail-on; 1 some result at or above
// --fail-on (or verify found a mismatch); 2 usage or input error.

// Certificates issued by older Windows certification authorities can carry
// negative serial numbers, which Go 1.23+ refuses to parse by default; an
// auditor of a 2007-era PKI must still be able to read them.
//
//go:debug x509negativeserial=1
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
