# A script the PowerShell grammar must refuse (ps-parse.mjs self-check in .ci/run).
function Get-Broken( {
    if ($x -eq 1) {
        Write-Output "no closing brace"
