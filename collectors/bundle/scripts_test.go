package bundle

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/supaudit/supaudit/collectors/evidence/extract"
	"github.com/supaudit/supaudit/facts"
)

// The gather scripts shipped in scripts/ (docs/evidence.md, "Gathering").
var gatherScripts = []string{"../../scripts/Gather-SupEvidence.ps1", "../../scripts/gather-sup-evidence.cmd"}

// scriptText reads a gather script with Windows separators turned into
// slashes and lower-cased, so paths can be compared with EvidenceFiles.
func scriptText(t *testing.T, file string) string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("gather script: %v", err)
	}
	return strings.ToLower(strings.ReplaceAll(string(data), `\`, "/"))
}

var reScriptToken = regexp.MustCompile(`[a-z0-9_./{}-]+`)

// mentions reports whether the script text names the evidence file p: a
// literal path needs its base name and its folder ("logs/" + name is
// written as 'logs\' + $n in PowerShell); a pattern needs a path in the
// script that it matches.
func mentions(text, p string) bool {
	p = strings.ToLower(p)
	if strings.ContainsAny(p, "*{") {
		for _, tok := range reScriptToken.FindAllString(text, -1) {
			if ok, _ := doublestar.Match(p, tok); ok {
				return true
			}
		}
		return false
	}
	dir, base := path.Split(p)
	return strings.Contains(text, base) && (dir == "" || strings.Contains(text, dir))
}

// notWritten lists, per script, evidence it does not write on purpose, with
// the reason the script itself must give (in its not_collected notes).
var notWritten = map[string]map[string]string{
	"../../scripts/gather-sup-evidence.cmd": {extract.PathRootCerts: "the certificate chain is exported by gather-supevidence.ps1 only"},
}

// TestGatherScriptsWriteEvidenceFiles: both gather scripts write every file
// the collector reads (EvidenceFiles) and every manifest key, so the
// scripts and the collector cannot drift apart.
func TestGatherScriptsWriteEvidenceFiles(t *testing.T) {
	for _, file := range gatherScripts {
		text := scriptText(t, file)
		for _, ef := range extract.EvidenceFiles() {
			for _, p := range append([]string{ef.Path}, ef.Alternatives...) {
				if strings.Contains(p, "*") && p != ef.Path {
					continue // registry/wsus*.reg: the scripts write the literal names
				}
				if reason, ok := notWritten[file][p]; ok {
					if !strings.Contains(text, reason) {
						t.Errorf("%s: does not write %s and does not say why (%q)", file, p, reason)
					}
					continue
				}
				if !mentions(text, p) {
					t.Errorf("%s: does not write %s, which the bundle collector reads", file, p)
				}
			}
		}
		for _, p := range []string{"registry/wsus-setup-wow64.reg", "registry/sms-wow64.reg", "sitectrl.box/sitectrl.ct0", "installation directory"} {
			if !strings.Contains(text, p) {
				t.Errorf("%s: does not mention %s", file, p)
			}
		}
		for _, key := range []string{"host=", "fqdn=", "collected_at=", "script_version=", "roles=", "not_collected="} {
			if !strings.Contains(text, key) {
				t.Errorf("%s: does not write the manifest key %s", file, key)
			}
		}
	}
}

// readOnlyForbidden are commands that would change a server; the gather
// scripts must only read.
var readOnlyForbidden = []*regexp.Regexp{
	regexp.MustCompile(`(?i)\breg(\.exe)?"?\s+(add|delete|import|restore|load|unload|copy|save)\b`),
	regexp.MustCompile(`(?i)\bnetsh(\.exe)?"?\s+http\s+(add|delete|set|update)\b`),
	regexp.MustCompile(`(?i)\bcertutil(\.exe)?"?\s+(-f\s+)?-(delstore|addstore|importpfx|repairstore|exportpfx|setreg)\b`),
	regexp.MustCompile(`(?i)\b(sc|net)(\.exe)?\s+(stop|start|config|delete|pause)\b`),
	regexp.MustCompile(`(?i)\bwsusutil\b`),
	regexp.MustCompile(`(?i)\b(Set-ItemProperty|New-ItemProperty|Remove-ItemProperty|Remove-Item|Move-Item|Rename-Item|Clear-Item|Stop-Service|Restart-Service|Set-Service|Start-Service|Invoke-WmiMethod|Set-WmiInstance|Remove-WmiObject)\b`),
	regexp.MustCompile(`(?i)\.(Put|Delete|DeleteValue|DeleteSubKey\w*|SetValue|CreateSubKey)\(`),
	regexp.MustCompile(`(?i)\$store\.(Add|AddRange|Remove|RemoveRange)\(`),
	regexp.MustCompile(`(?i)^\s*(move|ren|rename|rd|rmdir|attrib|icacls|cacls|takeown)\b`),
	regexp.MustCompile(`(?i)\bOpenFlags\]::(ReadWrite|MaxAllowed)`),
	regexp.MustCompile(`(?i)X509ContentType\]::(Pfx|Pkcs12)`),
}

// readOnlyAllowed are the lines that match a pattern above but only touch
// the script's own files.
var readOnlyAllowed = []string{
	`del "%NC%" >nul 2>&1`, // the cmd script's temporary not-collected list in %TEMP%
}

// TestGatherScriptsReadOnly: no command in either script changes the
// server (registry, services, IIS, certificate stores, files outside the
// output folder).
func TestGatherScriptsReadOnly(t *testing.T) {
	for _, file := range gatherScripts {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
	lines:
		for i, line := range strings.Split(string(data), "\n") {
			code := strings.TrimSpace(strings.TrimSuffix(line, "\r"))
			if code == "" || strings.HasPrefix(code, "#") || strings.HasPrefix(strings.ToLower(code), "rem ") {
				continue
			}
			for _, ok := range readOnlyAllowed {
				if code == ok {
					continue lines
				}
			}
			if strings.Contains(strings.ToLower(code), "del ") || strings.HasPrefix(strings.ToLower(code), "del") {
				t.Errorf("%s:%d: deletes a file: %s", file, i+1, code)
			}
			for _, re := range readOnlyForbidden {
				if re.MatchString(code) {
					t.Errorf("%s:%d: %q is not read-only (%s)", file, i+1, code, re)
				}
			}
		}
	}
}

// ps3Constructs are PowerShell 3.0+ cmdlets, parameters and syntax that
// Windows PowerShell 2.0 (Server 2003 SP2 / 2008) does not have.
var ps3Constructs = []struct{ re, what string }{
	{`\[ordered\]`, "[ordered] (PS 3)"},
	{`\[pscustomobject\]`, "[pscustomobject] (PS 3)"},
	{`-Depth\b`, "-Depth (PS 3 ConvertTo-Json, PS 5 Get-ChildItem)"},
	{`\bConvert(To|From)-Json\b`, "ConvertTo/From-Json (PS 3)"},
	{`\bInvoke-(WebRequest|RestMethod)\b`, "Invoke-WebRequest/RestMethod (PS 3)"},
	{`\b(Get|New|Set|Remove|Invoke)-Cim\w+`, "CIM cmdlets (PS 3); use Get-WmiObject"},
	{`\bGet-Content\b[^\n]*\s-Raw\b`, "Get-Content -Raw (PS 3)"},
	{`-NoNewline\b`, "-NoNewline (PS 5)"},
	{`\$PSScriptRoot\b`, "$PSScriptRoot in a script (PS 3)"},
	{`\$PSItem\b`, "$PSItem (PS 3)"},
	{`\.(ForEach|Where)\(`, ".ForEach()/.Where() (PS 4)"},
	{`\s-(not)?in\s`, "-in/-notin (PS 3)"},
	{`::new\(`, "::new() (PS 5)"},
	{`(?m)^\s*class\s`, "class (PS 5)"},
	{`(?m)^\s*using\s+(namespace|module)\b`, "using (PS 5)"},
	{`\$using:`, "$using: (PS 3)"},
	{`\b(Get-ItemPropertyValue|Resolve-DnsName|Test-NetConnection|New-TemporaryFile|Get-FileHash|Expand-Archive|Compress-Archive|ConvertFrom-String|Out-File\s+-NoNewline|Get-NetIPAddress|Get-WebBinding)\b`, "PS 3+ or module-only cmdlet"},
	{`\bGet-ChildItem\b[^\n|]*\s-(File|Directory)\b`, "Get-ChildItem -File/-Directory (PS 3)"},
	{`-ErrorAction\s+Ignore\b`, "-ErrorAction Ignore (PS 3)"},
	{`Mandatory\s*[,)]`, "[Parameter(Mandatory)] without = $true (PS 3)"},
	{`(?i)Set-StrictMode\s+-Version\s+(3|4|5|Latest)`, "Set-StrictMode above 2.0"},
	{`(?im)^#requires\s+-version\s+[3-9]`, "#requires -Version 3+"},
	{`\[System\.Management\.Automation\.(PSCustomObject|OrderedDictionary)\]`, "PS 3 type"},
	{`\bRegistryView\b`, "Microsoft.Win32.RegistryView (.NET 4; PS 2.0 runs on .NET 2.0)"},
}

// TestGatherScriptPS2Compatible lints Gather-SupEvidence.ps1 for PowerShell
// 3.0+ constructs. pwsh is not in Debian's archive, so the script is not
// run here; this lint and the layout test are what CI checks.
func TestGatherScriptPS2Compatible(t *testing.T) {
	data, err := os.ReadFile(gatherScripts[0])
	if err != nil {
		t.Fatal(err)
	}
	// Drop comment lines and the comment-based help block: they may name
	// what is avoided.
	var code []string
	inHelp := false
	for _, line := range strings.Split(string(data), "\n") {
		l := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(l, "<#"):
			inHelp = !strings.Contains(l, "#>")
			code = append(code, "")
			continue
		case inHelp:
			inHelp = !strings.Contains(l, "#>")
			code = append(code, "")
			continue
		case strings.HasPrefix(l, "#") && !strings.HasPrefix(strings.ToLower(l), "#requires"):
			code = append(code, "")
			continue
		}
		code = append(code, line)
	}
	text := strings.Join(code, "\n")
	for _, c := range ps3Constructs {
		re := regexp.MustCompile("(?i)" + c.re)
		if loc := re.FindStringIndex(text); loc != nil {
			line := strings.Count(text[:loc[0]], "\n") + 1
			t.Errorf("%s:%d: %s: %q", gatherScripts[0], line, c.what, text[loc[0]:loc[1]])
		}
	}
	// The lint itself must catch what it is meant to.
	for _, bad := range []string{"$h = [ordered]@{}", "$x | ConvertTo-Json -Depth 3", "Invoke-WebRequest http://x", "if ($a -in $b) {}", "param([Parameter(Mandatory)]$x)", "Get-Content x -Raw"} {
		hit := false
		for _, c := range ps3Constructs {
			if regexp.MustCompile("(?i)" + c.re).MatchString(bad) {
				hit = true
			}
		}
		if !hit {
			t.Errorf("lint misses %q", bad)
		}
	}
}

// winrmCommands is the WinRM collector's table of remote evidence reads
// (another engineer's package). It is read as source, not imported, so
// this package does not depend on it.
const winrmCommands = "../winrm/commands.go"

// winrmFiles returns the string literals of every `Files: []string{...}`
// field in winrmCommands.
func winrmFiles(t *testing.T) []string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, winrmCommands, nil, 0)
	if err != nil {
		t.Fatalf("%s: %v", winrmCommands, err)
	}
	var files []string
	ast.Inspect(f, func(n ast.Node) bool {
		kv, ok := n.(*ast.KeyValueExpr)
		if !ok {
			return true
		}
		if id, ok := kv.Key.(*ast.Ident); !ok || id.Name != "Files" {
			return true
		}
		if cl, ok := kv.Value.(*ast.CompositeLit); ok {
			for _, el := range cl.Elts {
				if bl, ok := el.(*ast.BasicLit); ok && bl.Kind == token.STRING {
					if s, err := strconv.Unquote(bl.Value); err == nil {
						files = append(files, s)
					}
				}
			}
		}
		return false
	})
	return files
}

// TestGatherScriptsCoverWinRMCommands: both gather scripts write every
// evidence path the WinRM collector reads remotely, so the two ways of
// gathering cannot drift. Skipped while collectors/winrm/commands.go does
// not exist.
func TestGatherScriptsCoverWinRMCommands(t *testing.T) {
	if _, err := os.Stat(winrmCommands); err != nil {
		t.Skipf("%s not present: %v", winrmCommands, err)
	}
	files := winrmFiles(t)
	if len(files) == 0 {
		t.Fatalf("%s: no Files: []string{...} entries found; has the table changed shape?", winrmCommands)
	}
	for _, file := range gatherScripts {
		text := scriptText(t, file)
		for _, p := range files {
			if reason, ok := notWritten[file][extract.PathRootCerts]; ok && strings.HasPrefix(p, "certs/roots/") {
				if !strings.Contains(text, reason) {
					t.Errorf("%s: does not write %s and does not say why", file, p)
				}
				continue
			}
			if !mentions(text, p) {
				t.Errorf("%s: does not write %s, which the WinRM collector reads (%s)", file, p, winrmCommands)
			}
		}
	}
}

// TestScriptEmptyExportMeansNone: the "export holding no key" the gather
// scripts write when the WSUS Setup key is absent (PowerShell: UTF-16LE
// with BOM; cmd: "echo REGEDIT4") is read as WSUS not installed.
func TestScriptEmptyExportMeansNone(t *testing.T) {
	for name, content := range map[string]string{
		"ps1": utf16Bytes("Windows Registry Editor Version 5.00\r\n\r\n", false, true),
		"cmd": "REGEDIT4\r\n",
	} {
		dir := t.TempDir()
		writeFiles(t, dir, map[string]string{"S/manifest.txt": "fqdn=S.contoso.com\n", "S/" + extract.PathWSUSSetupReg: content})
		s := collect(t, dir, Options{})
		want(t, name+" install_type", find(t, s, "S.contoso.com").WSUS.InstallType, facts.InstallNone, "S/"+extract.PathWSUSSetupReg, 0)
	}
}
