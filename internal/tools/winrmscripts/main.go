// Command winrmscripts writes every PowerShell script the WinRM collector
// sends (collectors/winrm Commands, each Command.Script) into a folder, one
// file per command, so that CI parses them with a PowerShell grammar
// (scripts/ps-parse.mjs, run by .ci/run) as it does the gather script.
//
//	go run ./internal/tools/winrmscripts DIR
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/supaudit/supaudit/collectors/winrm"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: winrmscripts DIR")
		os.Exit(2)
	}
	if err := write(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "winrmscripts:", err)
		os.Exit(1)
	}
}

// write stores command i as DIR/NN-<first file, slashes as dashes>.ps1.
func write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for i, c := range winrm.Commands {
		name := "identity"
		if len(c.Files) > 0 {
			name = strings.NewReplacer("/", "-", "\\", "-", "*", "_").Replace(c.Files[0])
		}
		p := filepath.Join(dir, fmt.Sprintf("%02d-%s.ps1", i+1, name))
		if err := os.WriteFile(p, []byte(c.Script()), 0o644); err != nil {
			return err
		}
	}
	fmt.Printf("%d WinRM command scripts written to %s\n", len(winrm.Commands), dir)
	return nil
}
