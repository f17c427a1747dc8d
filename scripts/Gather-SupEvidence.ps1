<#
.SYNOPSIS
    Gathers read-only evidence for a supaudit audit of a Configuration
    Manager 2007 software update point (SUP).

.DESCRIPTION
    Run on each server of the site (site server, SUP, Internet-based SUP) as
    an administrator. The script only READS the server: it exports registry
    keys (reg.exe export), copies log and configuration files, and exports
    the PUBLIC part of the certificate bound to the WSUS web site (never a
    private key). It writes only below -OutDir, in the per-server layout
    that "supaudit collect --bundle" reads (docs/evidence.md):

        manifest.txt                       host, fqdn, collected_at, script_version,
                                           roles, not_collected=<path>: <reason>
        registry\wsus-setup.reg            HKLM\SOFTWARE\Microsoft\Update Services\Server\Setup (64-bit view)
        registry\wsus-setup-wow64.reg      the same key in the 32-bit view (Wow6432Node), x64 only
        registry\sms.reg                   HKLM\SOFTWARE\Microsoft\SMS (64-bit view)
        registry\sms-wow64.reg             HKLM\SOFTWARE\Wow6432Node\Microsoft\SMS, x64 only
        sitectrl.ct0                       <ConfigMgr>\inboxes\sitectrl.box\sitectrl.ct0 (site server)
        logs\WCM.log WCM.lo_ wsyncmgr.log wsyncmgr.lo_ WSUSCtrl.log WSUSCtrl.lo_ SUPSetup.log SUPSetup.lo_
        iis\applicationHost.config         IIS 7 and later
        iis\metabase.xml                   IIS 6
        certs\wsus-ssl.cer                 the certificate bound to the WSUS web site's SSL port
        certs\chain-N.cer, certs\roots\root.cer   its chain as this server builds it

    Compatible with Windows PowerShell 2.0 (Windows Server 2003 SP2 / 2008).

.PARAMETER OutDir
    Folder to write the evidence to, e.g. \\share\audit\SUP01. Created if
    missing. Files of an earlier run there are overwritten.

.PARAMETER LogsDir
    ConfigMgr Logs folder, when it cannot be found from the registry.

.PARAMETER CertThumbprint
    Thumbprint of the WSUS web site's certificate in LocalMachine\My, when
    it cannot be found from the SSL bindings.

.EXAMPLE
    powershell -ExecutionPolicy Bypass -File Gather-SupEvidence.ps1 -OutDir \\share\audit\SUP01
#>
param(
    [Parameter(Mandatory = $true)][string]$OutDir,
    [string]$LogsDir = '',
    [string]$CertThumbprint = ''
)

# Continue, not Stop: with Stop, Windows PowerShell turns a native command's
# stderr (reg.exe, netsh.exe) into a terminating error. Cmdlets that must not
# fail silently use -ErrorAction Stop inside try/catch.
$ErrorActionPreference = 'Continue'
Set-StrictMode -Version 2.0
$ScriptVersion = '1.0.0'

$notCollected = New-Object System.Collections.ArrayList
function Note-Missing([string]$Path, [string]$Reason) {
    [void]$notCollected.Add(('{0}: {1}' -f $Path, ($Reason -replace '[\r\n]+', ' ')))
    Write-Warning ('not collected: {0}: {1}' -f $Path, $Reason)
}

function New-Dir([string]$Path) {
    if (-not (Test-Path -LiteralPath $Path)) { [void](New-Item -ItemType Directory -Path $Path -ErrorAction Stop) }
}

New-Dir $OutDir
foreach ($d in @('registry', 'logs', 'iis', 'certs', 'certs\roots')) { New-Dir (Join-Path $OutDir $d) }

# 64-bit OS? A 32-bit PowerShell on x64 sees PROCESSOR_ARCHITEW6432.
$wow = [Environment]::GetEnvironmentVariable('PROCESSOR_ARCHITEW6432')
$is64 = ($env:PROCESSOR_ARCHITECTURE -eq 'AMD64') -or ($env:PROCESSOR_ARCHITECTURE -eq 'IA64') -or ($wow -ne $null)
# The real System32 of a 32-bit process on x64 is Sysnative (file system redirection).
$sys32 = Join-Path $env:windir 'System32'
if ($wow -ne $null -and (Test-Path -LiteralPath (Join-Path $env:windir 'Sysnative'))) {
    $sys32 = Join-Path $env:windir 'Sysnative'
}
$regExe = Join-Path $sys32 'reg.exe'
if (-not (Test-Path -LiteralPath $regExe)) { $regExe = 'reg.exe' }

# Export-Reg exports Key to the file Rel below OutDir with reg.exe (read-only).
# View is 64 or 32: the /reg:64 or /reg:32 switch where reg.exe has it (Vista,
# Server 2008 and later); without it, the key is exported as this reg.exe sees it.
# With EmptyIfAbsent, a missing key is recorded as an export holding no key
# (for the WSUS Setup key: WSUS 3.0 is not installed, docs/evidence.md).
function Export-Reg([string]$Key, [string]$Rel, [int]$View, [bool]$EmptyIfAbsent) {
    $file = Join-Path $OutDir $Rel
    $out = & $regExe query $Key 2>&1
    if ($LASTEXITCODE -ne 0) {
        $why = 'key {0} not found ({1})' -f $Key, (($out | Out-String).Trim())
        if ($EmptyIfAbsent) {
            [IO.File]::WriteAllText($file, "Windows Registry Editor Version 5.00`r`n`r`n", [Text.Encoding]::Unicode)
            $why += '; an export holding no key was written'
        }
        Note-Missing $Rel $why
        return $false
    }
    $out = & $regExe export $Key $file /y ('/reg:{0}' -f $View) 2>&1
    if ($LASTEXITCODE -ne 0) {
        $out = & $regExe export $Key $file /y 2>&1
    }
    if ($LASTEXITCODE -ne 0) {
        Note-Missing $Rel ('reg export {0} failed: {1}' -f $Key, (($out | Out-String).Trim()))
        return $false
    }
    return $true
}

# Registry: WSUS setup key and ConfigMgr (SMS) keys, 64- and 32-bit views.
# The 32-bit view is exported by its Wow6432Node path so that both views
# stay distinguishable; supaudit looks for the keys under both.
[void](Export-Reg 'HKLM\SOFTWARE\Microsoft\Update Services\Server\Setup' 'registry\wsus-setup.reg' 64 $true)
[void](Export-Reg 'HKLM\SOFTWARE\Microsoft\SMS' 'registry\sms.reg' 64 $false)
if ($is64) {
    [void](Export-Reg 'HKLM\SOFTWARE\Wow6432Node\Microsoft\Update Services\Server\Setup' 'registry\wsus-setup-wow64.reg' 64 $false)
    [void](Export-Reg 'HKLM\SOFTWARE\Wow6432Node\Microsoft\SMS' 'registry\sms-wow64.reg' 64 $false)
}

# Read-RegValue reads one value read-only, in the 32-bit view first (ConfigMgr
# 2007 is a 32-bit application), then the 64-bit view. PowerShell 2.0 has no
# RegistryView, so reg.exe query is used.
function Read-RegValue([string]$Key, [string]$Name) {
    $keys = @()
    if ($is64) { $keys += ($Key -replace '^HKLM\\SOFTWARE\\', 'HKLM\SOFTWARE\Wow6432Node\') }
    $keys += $Key
    foreach ($k in $keys) {
        $out = & $regExe query $k /v $Name 2>$null
        if ($LASTEXITCODE -ne 0) { continue }
        foreach ($line in $out) {
            if ($line -match ('^\s*' + [regex]::Escape($Name) + '\s+REG_\w+\s+(.*)$')) { return $Matches[1].Trim() }
        }
    }
    return ''
}

# ConfigMgr installation directory: SMS\Setup "Installation Directory".
$installDir = Read-RegValue 'HKLM\SOFTWARE\Microsoft\SMS\Setup' 'Installation Directory'
$roles = New-Object System.Collections.ArrayList

# Site control file (site server only).
$siteCtrlFound = $false
if ($installDir -ne '') {
    $sct = Join-Path $installDir 'inboxes\sitectrl.box\sitectrl.ct0'
    if (Test-Path -LiteralPath $sct) {
        try {
            Copy-Item -LiteralPath $sct -Destination (Join-Path $OutDir 'sitectrl.ct0') -Force -ErrorAction Stop
            $siteCtrlFound = $true
            [void]$roles.Add('site_server')
        } catch { Note-Missing 'sitectrl.ct0' ('cannot copy {0}: {1}' -f $sct, $_.Exception.Message) }
    } else {
        Note-Missing 'sitectrl.ct0' ('{0} does not exist (not the site server?)' -f $sct)
    }
} else {
    Note-Missing 'sitectrl.ct0' 'no SMS\Setup "Installation Directory" registry value (not a ConfigMgr site server?)'
}

# ConfigMgr Logs folder: -LogsDir, <Installation Directory>\Logs, the folder of
# the SMS_WSUS_CONTROL_MANAGER trace file, then <fixed drive>:\SMS\Logs
# (a remote site system; the last two are believed, not verified).
$logCandidates = @()
if ($LogsDir -ne '') { $logCandidates += $LogsDir }
if ($installDir -ne '') { $logCandidates += (Join-Path $installDir 'Logs') }
$trace = Read-RegValue 'HKLM\SOFTWARE\Microsoft\SMS\Tracing\SMS_WSUS_CONTROL_MANAGER' 'TraceFilename'
if ($trace -ne '') { $logCandidates += (Split-Path -Parent $trace) }
try {
    foreach ($disk in @(Get-WmiObject -Class Win32_LogicalDisk -Filter 'DriveType=3' -ErrorAction Stop)) {
        $logCandidates += ($disk.DeviceID + '\SMS\Logs')
    }
} catch { }
$logDir = ''
foreach ($c in $logCandidates) {
    if ($c -ne '' -and (Test-Path -LiteralPath $c)) { $logDir = $c; break }
}
$logNames = @('WCM.log', 'WCM.lo_', 'wsyncmgr.log', 'wsyncmgr.lo_', 'WSUSCtrl.log', 'WSUSCtrl.lo_', 'SUPSetup.log', 'SUPSetup.lo_')
if ($logDir -eq '') {
    Note-Missing 'logs\' ('no ConfigMgr Logs folder found (tried: {0}); use -LogsDir' -f ($logCandidates -join ', '))
} else {
    foreach ($n in $logNames) {
        $src = Join-Path $logDir $n
        if (-not (Test-Path -LiteralPath $src)) {
            Note-Missing ('logs\' + $n) ('{0} does not exist' -f $src)
            continue
        }
        try { Copy-Item -LiteralPath $src -Destination (Join-Path $OutDir ('logs\' + $n)) -Force -ErrorAction Stop }
        catch { Note-Missing ('logs\' + $n) ('cannot copy {0}: {1}' -f $src, $_.Exception.Message) }
    }
}

# IIS configuration: IIS 7+ applicationHost.config, else IIS 6 metabase.xml.
$appHost = Join-Path $sys32 'inetsrv\config\applicationHost.config'
$metabase = Join-Path $sys32 'inetsrv\MetaBase.xml'
$iisFile = ''
if (Test-Path -LiteralPath $appHost) {
    try {
        Copy-Item -LiteralPath $appHost -Destination (Join-Path $OutDir 'iis\applicationHost.config') -Force -ErrorAction Stop
        $iisFile = Join-Path $OutDir 'iis\applicationHost.config'
    } catch { Note-Missing 'iis\applicationHost.config' ('cannot copy {0}: {1}' -f $appHost, $_.Exception.Message) }
} elseif (Test-Path -LiteralPath $metabase) {
    try {
        Copy-Item -LiteralPath $metabase -Destination (Join-Path $OutDir 'iis\metabase.xml') -Force -ErrorAction Stop
        $iisFile = Join-Path $OutDir 'iis\metabase.xml'
    } catch { Note-Missing 'iis\metabase.xml' ('cannot copy {0}: {1}' -f $metabase, $_.Exception.Message) }
} else {
    Note-Missing 'iis\applicationHost.config' ('neither {0} nor {1} exists (IIS not installed?)' -f $appHost, $metabase)
}

# WSUS web site and its SSL port: the site whose ID is IISTargetWebSiteIndex.
$siteIndex = Read-RegValue 'HKLM\SOFTWARE\Microsoft\Update Services\Server\Setup' 'IISTargetWebSiteIndex'
if ($siteIndex -match '^0x([0-9a-fA-F]+)$') { $siteIndex = [string][Convert]::ToInt32($Matches[1], 16) }
if ($siteIndex -ne '') { [void]$roles.Add('sup') }
$sslPorts = @()
$thumb = $CertThumbprint -replace '\s', ''
if ($iisFile -ne '' -and $siteIndex -ne '') {
    try {
        [xml]$cfg = (Get-Content -LiteralPath $iisFile -ReadCount 0 -ErrorAction Stop) -join "`n"
        if ($iisFile.EndsWith('applicationHost.config')) {
            foreach ($site in @($cfg.SelectNodes('//sites/site'))) {
                if ($site.GetAttribute('id') -ne $siteIndex) { continue }
                foreach ($b in @($site.SelectNodes('bindings/binding'))) {
                    if ($b.GetAttribute('protocol') -eq 'https') {
                        $parts = $b.GetAttribute('bindingInformation').Split(':')
                        if ($parts.Length -ge 2) { $sslPorts += $parts[1] }
                    }
                }
            }
        } else {
            # IIS 6: SecureBindings ":443:" and SSLCertHash of /LM/W3SVC/<id>.
            foreach ($n in @($cfg.SelectNodes('//*[@Location]'))) {
                if ($n.GetAttribute('Location') -ne ('/LM/W3SVC/' + $siteIndex)) { continue }
                foreach ($sb in $n.GetAttribute('SecureBindings').Split(@(' ', "`n", "`r", "`t"), [StringSplitOptions]::RemoveEmptyEntries)) {
                    $parts = $sb.Split(':')
                    if ($parts.Length -ge 2 -and $parts[1] -ne '') { $sslPorts += $parts[1] }
                }
                $h = $n.GetAttribute('SSLCertHash')
                if ($thumb -eq '' -and $h -match '^[0-9a-fA-F]{40}$') { $thumb = $h }
            }
        }
    } catch { Note-Missing 'certs\' ('cannot read the WSUS site bindings from {0}: {1}' -f $iisFile, $_.Exception.Message) }
}

# Certificate bound to the WSUS SSL port: netsh http show sslcert (IIS 7+).
if ($thumb -eq '' -and $sslPorts.Length -gt 0) {
    $netsh = Join-Path $sys32 'netsh.exe'
    $out = & $netsh http show sslcert 2>&1
    if ($LASTEXITCODE -eq 0) {
        $current = ''
        foreach ($line in $out) {
            if ($line -match '^\s*IP:port\s*:\s*(\S+)') { $current = $Matches[1] }
            elseif ($line -match '^\s*Certificate Hash\s*:\s*([0-9a-fA-F]{40})') {
                $port = $current.Substring($current.LastIndexOf(':') + 1)
                if ($thumb -eq '' -and $sslPorts -contains $port) { $thumb = $Matches[1] }
            }
        }
    } else {
        Note-Missing 'certs\' ('netsh http show sslcert failed: {0}' -f (($out | Out-String).Trim()))
    }
}

# Export the public certificate and its chain (PowerShell 2.0 X509 APIs; the
# store is opened read-only, the private key is never exported).
if ($thumb -eq '') {
    if ($sslPorts.Length -eq 0) { Note-Missing 'certs\wsus-ssl.cer' 'the WSUS web site has no https binding (or it could not be read)' }
    else { Note-Missing 'certs\wsus-ssl.cer' ('no certificate bound to port(s) {0} found; use -CertThumbprint' -f ($sslPorts -join ', ')) }
} else {
    try {
        $store = New-Object System.Security.Cryptography.X509Certificates.X509Store('My', 'LocalMachine')
        $store.Open([System.Security.Cryptography.X509Certificates.OpenFlags]::ReadOnly)
        $found = $store.Certificates.Find([System.Security.Cryptography.X509Certificates.X509FindType]::FindByThumbprint, $thumb, $false)
        $store.Close()
        if ($found.Count -eq 0) {
            Note-Missing 'certs\wsus-ssl.cer' ('no certificate with thumbprint {0} in LocalMachine\My (certutil -store My {0})' -f $thumb)
        } else {
            $cert = $found[0]
            $cerType = [System.Security.Cryptography.X509Certificates.X509ContentType]::Cert
            [IO.File]::WriteAllBytes((Join-Path $OutDir 'certs\wsus-ssl.cer'), $cert.Export($cerType))
            $chain = New-Object System.Security.Cryptography.X509Certificates.X509Chain
            [void]$chain.Build($cert)
            $i = 0
            foreach ($el in $chain.ChainElements) {
                if ($el.Certificate.Thumbprint -eq $cert.Thumbprint) { continue }
                $i++
                $rel = 'certs\chain-{0}.cer' -f $i
                if ($el.Certificate.Subject -eq $el.Certificate.Issuer) { $rel = 'certs\roots\root.cer' }
                [IO.File]::WriteAllBytes((Join-Path $OutDir $rel), $el.Certificate.Export($cerType))
            }
        }
    } catch { Note-Missing 'certs\wsus-ssl.cer' ('cannot export certificate {0}: {1}' -f $thumb, $_.Exception.Message) }
}

# Manifest, UTF-8 without BOM.
$fqdn = $env:COMPUTERNAME
try {
    # Win32_ComputerSystem.PartOfDomain and Domain exist on Server 2003 and later.
    $cs = Get-WmiObject -Class Win32_ComputerSystem -ErrorAction Stop
    if ($cs.PartOfDomain -and $cs.Domain) { $fqdn = $env:COMPUTERNAME + '.' + $cs.Domain }
} catch { Note-Missing 'manifest.txt' ('fqdn: cannot read Win32_ComputerSystem: {0}' -f $_.Exception.Message) }
$lines = New-Object System.Collections.ArrayList
[void]$lines.Add('# supaudit evidence, written by Gather-SupEvidence.ps1 (read-only gathering)')
[void]$lines.Add('host=' + $env:COMPUTERNAME)
[void]$lines.Add('fqdn=' + $fqdn)
[void]$lines.Add('collected_at=' + [DateTime]::UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", [Globalization.CultureInfo]::InvariantCulture))
[void]$lines.Add('script_version=' + $ScriptVersion)
[void]$lines.Add('roles=' + ($roles -join ','))
foreach ($n in $notCollected) { [void]$lines.Add('not_collected=' + $n) }
[IO.File]::WriteAllLines((Join-Path $OutDir 'manifest.txt'), [string[]]$lines.ToArray(), (New-Object System.Text.UTF8Encoding($false)))
Write-Host ('evidence written to {0} ({1} item(s) not collected, listed in manifest.txt)' -f $OutDir, $notCollected.Count)
