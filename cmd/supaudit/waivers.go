package main

import (
	"github.com/spf13/cobra"
)

// registerWaiverFlag adds --waivers to check and scan (audit.Post applies
// them).
func registerWaiverFlag(cmd *cobra.Command, f *checkFlags) {
	cmd.Flags().StringVar(&f.waivers, "waivers", "", "YAML file of waivers (step, subject, reason, approved_by, expires); see docs/waivers.md")
}
