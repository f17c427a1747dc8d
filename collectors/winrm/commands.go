package winrm

import (
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/supaudit/supaudit/internal/textenc"
)

// Kind says how a Command reads its evidence on the server.
type Kind int

const (
	// KindRegExport runs `reg.exe export` for each of Keys; the exports
	// are merged into the one .reg file Files[0].
	KindRegExport Kind = iota + 1
	// KindFile copies the first existing file of Paths to Files[0].
	KindFile
	// KindCert copies the certificate bound to the WSUS SSL port (http.sys
	// binding on 0.0.0.0:8531, else :443) to Files[0] and the root its
	// chain ends in on the server to Files[1].
	KindCert
	// KindIdentity reads the server's fully qualified name (for the
	// manifest); it has no file.
	KindIdentity
)

// Command is one read-only evidence read on a server: what it reads and
// where its output goes in the evidence-bundle layout (docs/evidence.md).
// Commands is the single list; the PowerShell each runs is generated from
// it by Script, so the remote reads and the bundle layout cannot drift.
type Command struct {
	// Files are the bundle-relative paths the output is stored at.
	Files []string
	// Kind says how the evidence is read.
	Kind Kind
	// Keys are the registry keys exported (KindRegExport), each in the
	// form reg.exe takes (HKLM\SOFTWARE\...).
	Keys []string
	// Paths are PowerShell 2.0 expressions of candidate file paths
	// (KindFile), tried in order.
	Paths []string
	// AbsentAsEmptyExport: when none of Keys exists, store an export
	// holding no key (for the WSUS Setup key this says WSUS 3.0 is not
	// installed). Otherwise no file is stored.
	AbsentAsEmptyExport bool
	// Purpose says what the evidence is for.
	Purpose string
}

// smsDir is a PowerShell 2.0 expression of the ConfigMgr installation
// directory ("Installation Directory" under SMS\Identification or
// SMS\Setup, 64-bit view first, then Wow6432Node).
const smsDir = `(SmsDir)`

// Commands is every evidence read, in the order it is run on each server.
// Each is read-only: reg.exe export to a temporary file that is deleted
// again, reads of files opened for shared reading, netsh and certificate
// store reads.
var Commands = []Command{
	{Kind: KindIdentity, Purpose: "the server's fully qualified name (manifest fqdn)"},
	{
		Files:               []string{"registry/wsus-setup.reg"},
		Kind:                KindRegExport,
		Keys:                []string{`HKLM\SOFTWARE\Microsoft\Update Services\Server\Setup`, `HKLM\SOFTWARE\Wow6432Node\Microsoft\Update Services\Server\Setup`},
		AbsentAsEmptyExport: true,
		Purpose:             "WSUS 3.0 install type, version, ports, SSL, web site (both registry views)",
	},
	{
		Files:   []string{"registry/sms.reg"},
		Kind:    KindRegExport,
		Keys:    []string{`HKLM\SOFTWARE\Microsoft\SMS\Identification`, `HKLM\SOFTWARE\Microsoft\SMS\Setup`, `HKLM\SOFTWARE\Wow6432Node\Microsoft\SMS\Identification`, `HKLM\SOFTWARE\Wow6432Node\Microsoft\SMS\Setup`},
		Purpose: "site code, ConfigMgr version, site server (both registry views)",
	},
	{Files: []string{"sitectrl.ct0"}, Kind: KindFile, Paths: []string{smsDir + ` + '\inboxes\sitectrl.box\sitectrl.ct0'`}, Purpose: "SUP roles, active SUPs, site mode (site server)"},
	{Files: []string{"logs/WCM.lo_"}, Kind: KindFile, Paths: logPaths("WCM.lo_"), Purpose: "WSUS connections (rolled-over log)"},
	{Files: []string{"logs/WCM.log"}, Kind: KindFile, Paths: logPaths("WCM.log"), Purpose: "WSUS connections and ports (site server)"},
	{Files: []string{"logs/wsyncmgr.lo_"}, Kind: KindFile, Paths: logPaths("wsyncmgr.lo_"), Purpose: "synchronizations (rolled-over log)"},
	{Files: []string{"logs/wsyncmgr.log"}, Kind: KindFile, Paths: logPaths("wsyncmgr.log"), Purpose: "last synchronization (site server)"},
	{Files: []string{"logs/WSUSCtrl.lo_"}, Kind: KindFile, Paths: logPaths("WSUSCtrl.lo_"), Purpose: "WSUS control manager (rolled-over log)"},
	{Files: []string{"logs/WSUSCtrl.log"}, Kind: KindFile, Paths: logPaths("WSUSCtrl.log"), Purpose: "WSUS control manager (SUP)"},
	{Files: []string{"logs/SUPSetup.lo_"}, Kind: KindFile, Paths: logPaths("SUPSetup.lo_"), Purpose: "SUP role setup (rolled-over log)"},
	{Files: []string{"logs/SUPSetup.log"}, Kind: KindFile, Paths: logPaths("SUPSetup.log"), Purpose: "SUP role setup (SUP)"},
	{Files: []string{"iis/applicationHost.config"}, Kind: KindFile, Paths: []string{`$env:windir + '\System32\inetsrv\config\applicationHost.config'`}, Purpose: "IIS 7+ web sites, bindings, SSL flags"},
	{Files: []string{"iis/metabase.xml"}, Kind: KindFile, Paths: []string{`$env:windir + '\System32\inetsrv\MetaBase.xml'`}, Purpose: "IIS 6 web sites, bindings, SSL flags"},
	{Files: []string{"certs/wsus-ssl.cer", "certs/roots/root.cer"}, Kind: KindCert, Purpose: "the WSUS web site's SSL certificate and the root of its chain"},
}

// logPaths are the candidate paths of a ConfigMgr server log: the
// installation directory's Logs folder (site server), and [B] \SMS\Logs
// on the system drive (remote site systems).
func logPaths(name string) []string {
	return []string{smsDir + ` + '\Logs\` + name + `'`, `$env:SystemDrive + '\SMS\Logs\` + name + `'`}
}

// Output framing, written by every script and read by parseParts.
const (
	markPart = "SUPAUDIT-PART"
	markEnd  = "SUPAUDIT-END"
)

// scriptPrelude is the PowerShell 2.0 helpers every script starts with.
const scriptPrelude = `$ErrorActionPreference = 'Continue'
$max = %d
function Emit($i, [byte[]]$b) {
  [Console]::Out.Write("SUPAUDIT-PART $i OK $($b.Length)` + "`n" + `")
  [Console]::Out.Write([Convert]::ToBase64String($b, [Base64FormattingOptions]::InsertLineBreaks))
  [Console]::Out.Write("` + "`n" + `SUPAUDIT-END $i` + "`n" + `")
}
function Missing($i, $why) {
  $why = ([string]$why) -replace '[\r\n]+', ' '
  [Console]::Out.Write("SUPAUDIT-PART $i MISSING $why` + "`n" + `")
}
function ReadShared($p) {
  $ErrorActionPreference = 'Stop'
  $s = New-Object IO.FileStream($p, [IO.FileMode]::Open, [IO.FileAccess]::Read, [IO.FileShare]'ReadWrite, Delete')
  try {
    if ($s.Length -gt $max) { return $null }
    $m = New-Object IO.MemoryStream
    $buf = New-Object byte[] 65536
    while (($n = $s.Read($buf, 0, $buf.Length)) -gt 0) { $m.Write($buf, 0, $n) }
    return ,$m.ToArray()
  } finally { $s.Close() }
}
function SmsDir {
  foreach ($k in 'HKLM:\SOFTWARE\Microsoft\SMS\Identification', 'HKLM:\SOFTWARE\Microsoft\SMS\Setup', 'HKLM:\SOFTWARE\Wow6432Node\Microsoft\SMS\Identification', 'HKLM:\SOFTWARE\Wow6432Node\Microsoft\SMS\Setup') {
    $v = (Get-ItemProperty -LiteralPath $k -ErrorAction SilentlyContinue).'Installation Directory'
    if ($v) { return [string]$v }
  }
  return $env:SystemDrive + '\supaudit-no-configmgr'
}
`

// MaxRemoteFile is the largest file a script sends back; a larger one is
// reported as MISSING "over the size limit" instead of being read.
const MaxRemoteFile = 32 << 20

// psQuote quotes s as a PowerShell single-quoted string.
func psQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// Script returns the PowerShell 2.0 script the command runs on a server.
func (c Command) Script() string {
	var b strings.Builder
	fmt.Fprintf(&b, scriptPrelude, MaxRemoteFile)
	switch c.Kind {
	case KindIdentity:
		b.WriteString(`$n = $env:COMPUTERNAME
try { $n = [System.Net.Dns]::GetHostEntry([string]$env:COMPUTERNAME).HostName } catch { }
Emit 0 ([Text.Encoding]::UTF8.GetBytes([string]$n))
`)
	case KindRegExport:
		q := make([]string, len(c.Keys))
		for i, k := range c.Keys {
			q[i] = psQuote(k)
		}
		fmt.Fprintf(&b, "$keys = @(%s)\n", strings.Join(q, ", "))
		b.WriteString(`for ($i = 0; $i -lt $keys.Length; $i++) {
  if (-not (Test-Path -LiteralPath ('Registry::' + ($keys[$i] -replace '^HKLM', 'HKEY_LOCAL_MACHINE')))) { Missing $i 'key not found'; continue }
  $t = [IO.Path]::GetTempFileName()
  $o = & reg.exe export $keys[$i] $t /y 2>&1 | Out-String
  if ($LASTEXITCODE -eq 0) { Emit $i ([IO.File]::ReadAllBytes($t)) } else { Missing $i ('reg export failed: ' + $o) }
  Remove-Item -LiteralPath $t -ErrorAction SilentlyContinue
}
`)
	case KindFile:
		fmt.Fprintf(&b, "$paths = @(%s)\n", strings.Join(c.Paths, ", "))
		b.WriteString(`foreach ($p in $paths) {
  if (Test-Path -LiteralPath $p -PathType Leaf) {
    try { $d = ReadShared $p } catch { Missing 0 ("cannot read " + $p + ": " + $_.Exception.Message); exit 0 }
    if ($null -eq $d) { Missing 0 "over the size limit: $p"; exit 0 }
    Emit 0 $d; exit 0
  }
}
Missing 0 'not found'
`)
	case KindCert:
		b.WriteString(`$hash = $null
foreach ($port in 8531, 443) {
  $o = & netsh.exe http show sslcert ("ipport=0.0.0.0:" + $port) 2>&1 | Out-String
  if ($o -match 'Certificate Hash\s*:\s*([0-9a-fA-F]{40})') { $hash = $matches[1]; break }
}
if (-not $hash) { Missing 0 'no http.sys SSL binding on 0.0.0.0:8531 or 0.0.0.0:443'; Missing 1 'no certificate'; exit 0 }
$c = Get-Item -LiteralPath ('cert:\LocalMachine\My\' + $hash) -ErrorAction SilentlyContinue
if (-not $c) { Missing 0 "certificate $hash is not in LocalMachine\My"; Missing 1 'no certificate'; exit 0 }
Emit 0 $c.RawData
$ch = New-Object Security.Cryptography.X509Certificates.X509Chain
[void]$ch.Build($c)
$r = $ch.ChainElements[$ch.ChainElements.Count - 1].Certificate
if ($r.Subject -eq $r.Issuer -and $r.Thumbprint -ne $c.Thumbprint) { Emit 1 $r.RawData } else { Missing 1 'the chain ends in no separate root' }
`)
	}
	return b.String()
}

// CommandLine returns the command line run through the WinRM shell:
// powershell.exe with the script as -EncodedCommand (UTF-16LE, base64),
// so no quoting of the script reaches cmd.exe.
func (c Command) CommandLine() string {
	raw := textenc.EncodeUTF16LE(c.Script(), false)
	return "powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand " + base64.StdEncoding.EncodeToString(raw)
}
