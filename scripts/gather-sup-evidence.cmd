@echo off
rem gather-sup-evidence.cmd - read-only evidence gathering for supaudit, for
rem servers without PowerShell. Run as an administrator on each server of the
rem Configuration Manager 2007 site (site server, SUP, Internet-based SUP):
rem
rem   gather-sup-evidence.cmd OUTDIR [LOGSDIR] [SSLPORT]
rem
rem   OUTDIR   folder to write to, e.g. \\share\audit\SUP01 (created if missing)
rem   LOGSDIR  ConfigMgr Logs folder, when it cannot be found from the registry
rem   SSLPORT  the WSUS web site's SSL port; default: 8531, then 443
rem
rem It only READS the server: reg export, copy, certutil -store, netsh http
rem show, wmic get. It writes only below OUTDIR, the layout that
rem "supaudit collect --bundle" reads (docs/evidence.md):
rem   manifest.txt  registry\wsus-setup.reg  registry\wsus-setup-wow64.reg
rem   registry\sms.reg  registry\sms-wow64.reg  sitectrl.ct0
rem   logs\WCM.log WCM.lo_ wsyncmgr.log wsyncmgr.lo_ WSUSCtrl.log WSUSCtrl.lo_
rem        SUPSetup.log SUPSetup.lo_
rem   iis\applicationHost.config (IIS 7+) or iis\metabase.xml (IIS 6)
rem   certs\wsus-ssl.cer (public certificate only; the chain is exported by
rem   Gather-SupEvidence.ps1 only)
setlocal EnableExtensions EnableDelayedExpansion
set "SCRIPT_VERSION=1.0.0"
if "%~1"=="" (
  echo usage: gather-sup-evidence.cmd OUTDIR [LOGSDIR] [SSLPORT] 1>&2
  exit /b 2
)
set "OUT=%~1"
set "LOGSDIR=%~2"
set "SSLPORT=%~3"
set "NC=%TEMP%\sup-evidence-nc-%RANDOM%.txt"
type nul > "%NC%"

for %%d in ("" registry logs iis certs certs\roots) do (
  if not exist "%OUT%\%%~d" mkdir "%OUT%\%%~d"
)

rem 64-bit OS? A 32-bit cmd on x64 has PROCESSOR_ARCHITEW6432 and must use
rem Sysnative to reach the real System32 (file system redirection).
set "IS64="
if /i "%PROCESSOR_ARCHITECTURE%"=="AMD64" set "IS64=1"
if /i "%PROCESSOR_ARCHITECTURE%"=="IA64" set "IS64=1"
if defined PROCESSOR_ARCHITEW6432 set "IS64=1"
set "SYS32=%windir%\System32"
if defined PROCESSOR_ARCHITEW6432 if exist "%windir%\Sysnative\reg.exe" set "SYS32=%windir%\Sysnative"
set "REG=%SYS32%\reg.exe"
if not exist "%REG%" set "REG=reg.exe"

rem Registry: WSUS setup key and ConfigMgr (SMS) keys, 64- and 32-bit views.
rem The 32-bit view is exported by its Wow6432Node path (both views stay
rem distinguishable); /reg:64 where reg.exe has it (Vista / Server 2008 and
rem later), else the key as this reg.exe sees it.
call :export "HKLM\SOFTWARE\Microsoft\Update Services\Server\Setup" "registry\wsus-setup.reg" empty
call :export "HKLM\SOFTWARE\Microsoft\SMS" "registry\sms.reg"
if defined IS64 (
  call :export "HKLM\SOFTWARE\Wow6432Node\Microsoft\Update Services\Server\Setup" "registry\wsus-setup-wow64.reg"
  call :export "HKLM\SOFTWARE\Wow6432Node\Microsoft\SMS" "registry\sms-wow64.reg"
)

rem ConfigMgr installation directory: SMS\Setup "Installation Directory",
rem 32-bit view first (ConfigMgr 2007 is a 32-bit application).
set "INSTALLDIR="
for %%k in ("HKLM\SOFTWARE\Wow6432Node\Microsoft\SMS\Setup" "HKLM\SOFTWARE\Microsoft\SMS\Setup") do (
  if not defined INSTALLDIR (
    for /f "tokens=3,*" %%a in ('""%REG%" query %%k /v "Installation Directory" 2>nul | findstr /i "REG_SZ""') do set "INSTALLDIR=%%b"
  )
)

set "ROLES="
if defined INSTALLDIR (
  if exist "%INSTALLDIR%\inboxes\sitectrl.box\sitectrl.ct0" (
    copy /y "%INSTALLDIR%\inboxes\sitectrl.box\sitectrl.ct0" "%OUT%\sitectrl.ct0" >nul 2>&1 && set "ROLES=site_server"
    if not exist "%OUT%\sitectrl.ct0" call :nc "sitectrl.ct0: cannot copy %INSTALLDIR%\inboxes\sitectrl.box\sitectrl.ct0"
  ) else (
    call :nc "sitectrl.ct0: %INSTALLDIR%\inboxes\sitectrl.box\sitectrl.ct0 does not exist - not the site server?"
  )
) else (
  call :nc "sitectrl.ct0: no SMS\Setup Installation Directory registry value - not a ConfigMgr site server?"
)

rem ConfigMgr Logs folder: LOGSDIR, <Installation Directory>\Logs, then
rem <drive>:\SMS\Logs (a remote site system; believed, not verified).
set "LD="
if defined LOGSDIR if exist "%LOGSDIR%\" set "LD=%LOGSDIR%"
if not defined LD if defined INSTALLDIR if exist "%INSTALLDIR%\Logs\" set "LD=%INSTALLDIR%\Logs"
if not defined LD for %%d in (C D E F G H I J) do (
  if not defined LD if exist "%%d:\SMS\Logs\" set "LD=%%d:\SMS\Logs"
)
if not defined LD (
  call :nc "logs\: no ConfigMgr Logs folder found; pass it as the second argument"
) else (
  for %%n in (WCM.log WCM.lo_ wsyncmgr.log wsyncmgr.lo_ WSUSCtrl.log WSUSCtrl.lo_ SUPSetup.log SUPSetup.lo_) do (
    if exist "!LD!\%%n" (
      copy /y "!LD!\%%n" "%OUT%\logs\%%n" >nul 2>&1 || call :nc "logs\%%n: cannot copy !LD!\%%n"
    ) else (
      call :nc "logs\%%n: !LD!\%%n does not exist"
    )
  )
)

rem IIS configuration: IIS 7+ applicationHost.config, else IIS 6 metabase.xml.
if exist "%SYS32%\inetsrv\config\applicationHost.config" (
  copy /y "%SYS32%\inetsrv\config\applicationHost.config" "%OUT%\iis\applicationHost.config" >nul 2>&1 || call :nc "iis\applicationHost.config: cannot copy %SYS32%\inetsrv\config\applicationHost.config"
) else if exist "%SYS32%\inetsrv\MetaBase.xml" (
  copy /y "%SYS32%\inetsrv\MetaBase.xml" "%OUT%\iis\metabase.xml" >nul 2>&1 || call :nc "iis\metabase.xml: cannot copy %SYS32%\inetsrv\MetaBase.xml"
) else (
  call :nc "iis\applicationHost.config: neither applicationHost.config nor MetaBase.xml exists - IIS not installed?"
)

rem Certificate bound to the WSUS SSL port (netsh http show sslcert, IIS 7+),
rem exported with certutil -store My <thumbprint> <file> (public part only).
set "THUMB="
set "PORTS=%SSLPORT%"
if not defined PORTS set "PORTS=8531 443"
for %%p in (%PORTS%) do if not defined THUMB call :sslcert %%p
if defined THUMB (
  "%SYS32%\certutil.exe" -store My !THUMB! > "%OUT%\certs\wsus-ssl-certutil.txt" 2>&1
  "%SYS32%\certutil.exe" -f -store My !THUMB! "%OUT%\certs\wsus-ssl.cer" >nul 2>&1 || call :nc "certs\wsus-ssl.cer: certutil -store My !THUMB! failed"
) else (
  call :nc "certs\wsus-ssl.cer: no certificate bound to port %PORTS% in netsh http show sslcert - IIS 6 or no SSL; use Gather-SupEvidence.ps1"
)
call :nc "certs\roots\: the certificate chain is exported by Gather-SupEvidence.ps1 only"

rem Manifest: host, fqdn, collected_at (UTC, from WMI Win32_UTCTime), script
rem version, roles, and what could not be read and why.
set "DOM="
for /f "tokens=2 delims==" %%a in ('wmic computersystem get domain /value 2^>nul ^| find "="') do for /f "delims=" %%b in ("%%a") do set "DOM=%%b"
set "FQDN=%COMPUTERNAME%"
if defined DOM if /i not "%DOM%"=="WORKGROUP" set "FQDN=%COMPUTERNAME%.%DOM%"
for /f "tokens=1,2 delims==" %%a in ('wmic path Win32_UTCTime get Day^,Hour^,Minute^,Month^,Second^,Year /value 2^>nul ^| find "="') do for /f "delims=" %%c in ("%%b") do set "UTC_%%a=%%c"
set "AT="
if defined UTC_Year (
  set "UTC_Month=0!UTC_Month!" & set "UTC_Day=0!UTC_Day!" & set "UTC_Hour=0!UTC_Hour!" & set "UTC_Minute=0!UTC_Minute!" & set "UTC_Second=0!UTC_Second!"
  set "AT=!UTC_Year!-!UTC_Month:~-2!-!UTC_Day:~-2!T!UTC_Hour:~-2!:!UTC_Minute:~-2!:!UTC_Second:~-2!Z"
) else (
  call :nc "manifest.txt: collected_at: wmic path Win32_UTCTime could not be read"
)
set "MAN=%OUT%\manifest.txt"
> "%MAN%" echo # supaudit evidence, written by gather-sup-evidence.cmd - read-only gathering
>> "%MAN%" echo host=%COMPUTERNAME%
>> "%MAN%" echo fqdn=%FQDN%
if defined AT >> "%MAN%" echo collected_at=!AT!
>> "%MAN%" echo script_version=%SCRIPT_VERSION%
>> "%MAN%" echo roles=%ROLES%
for /f "usebackq delims=" %%l in ("%NC%") do >> "%MAN%" echo not_collected=%%l
del "%NC%" >nul 2>&1
echo evidence written to %OUT% - what could not be collected is listed in manifest.txt
endlocal
exit /b 0

rem :export KEY REL [empty] - reg export KEY to OUT\REL (read-only), or note
rem why not; with "empty", a missing key is written as an export holding no
rem key (for the WSUS Setup key: WSUS 3.0 is not installed).
:export
"%REG%" query "%~1" >nul 2>&1
if errorlevel 1 (
  if /i "%~3"=="empty" (
    > "%OUT%\%~2" echo REGEDIT4
    call :nc "%~2: key %~1 not found; an export holding no key was written"
  ) else (
    call :nc "%~2: key %~1 not found"
  )
  goto :eof
)
"%REG%" export "%~1" "%OUT%\%~2" /y /reg:64 >nul 2>&1
if errorlevel 1 "%REG%" export "%~1" "%OUT%\%~2" /y >nul 2>&1
if errorlevel 1 call :nc "%~2: reg export %~1 failed"
goto :eof

rem :sslcert PORT - sets THUMB to the certificate hash bound to *:PORT.
:sslcert
set "CUR="
for /f "tokens=1,2,*" %%a in ('"%SYS32%\netsh.exe" http show sslcert 2^>nul') do (
  if /i "%%a"=="IP:port" set "CUR=%%c"
  if /i "%%a %%b"=="Certificate Hash" (
    set "H=%%c"
    set "H=!H:~2!"
    rem the port is the part after the last colon, as in 0.0.0.0:8531 or [::]:443;
    rem no pipe here: the child cmd of a pipe would not expand the variable
    set "LASTP="
    for %%x in ("!CUR::=" "!") do set "LASTP=%%~x"
    if "!LASTP!"=="%~1" if not defined THUMB set "THUMB=!H!"
  )
)
goto :eof

rem :nc MESSAGE - records "path: reason" for the manifest's not_collected lines.
:nc
>> "%NC%" echo %~1
echo not collected: %~1 1>&2
goto :eof
