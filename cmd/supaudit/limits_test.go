package main

import (
	"strings"
	"testing"
)

// TestLimitFlagsPositive: a size or count limit of 0 or less is refused
// (exit 2, naming the flag) instead of meaning the default silently.
func TestLimitFlagsPositive(t *testing.T) {
	for _, args := range [][]string{
		{"check", compliant, "--max-size", "0"},
		{"check", compliant, "--max-size", "-5"},
		{"diff", compliant, compliant, "--max-size", "0"},
		{"collect", "--bundle", "../../fixtures/bundles/compliant", "--max-file-size", "0"},
		{"collect", "--bundle", "../../fixtures/bundles/compliant", "--max-zip-entries", "-1"},
		{"collect", "--bundle", "../../fixtures/bundles/compliant", "--max-total-size", "0"},
		{"collect", "--winrm", "127.0.0.1:1", "--winrm-max-output", "0"},
	} {
		flag := args[len(args)-2]
		code, _, errs := runCLI(t, args...)
		if code != exitError || !strings.Contains(errs, flag+" "+args[len(args)-1]+": want a positive number") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
	}
}
