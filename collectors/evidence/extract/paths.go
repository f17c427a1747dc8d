package extract

import "strings"

// Relative paths, within one server's evidence, of the files Collect
// reads (docs/evidence.md). The gather scripts in scripts/ write exactly
// these; a test keeps them in step.
const (
	PathManifest        = "manifest.txt"
	PathWSUSSetupReg    = "registry/wsus-setup.reg"
	PathSMSReg          = "registry/sms.reg"
	PathSiteControl     = "sitectrl.ct0"
	PathAppHostConfig   = "iis/applicationHost.config"
	PathMetabase        = "iis/metabase.xml"
	PathCerts           = "certs/*.{cer,pem,crt}"
	PathRootCerts       = "certs/roots/*.{cer,pem,crt}"
	patternWSUSSetupReg = "registry/wsus*.reg"
	patternSMSReg       = "registry/sms*.reg"
	logsDir             = "logs/"
)

// Log files read from logs/, each also as its rolled-over ".lo_".
const (
	LogWCM      = "WCM.log"
	LogWSyncMgr = "wsyncmgr.log"
	LogSUPSetup = "SUPSetup.log"
	LogWSUSCtrl = "WSUSCtrl.log"
)

// EvidenceFile is one file (or doublestar pattern) of a server's evidence
// that Collect reads.
type EvidenceFile struct {
	// Path is the path relative to the server folder, slash-separated;
	// certificates are a doublestar pattern.
	Path string
	// Alternatives are other paths read instead of (IIS 6 metabase.xml) or
	// as well as (the rolled-over .lo_ log) Path.
	Alternatives []string
}

// EvidenceFiles lists the files Collect reads from each server's
// evidence, in the order of docs/evidence.md. The result is a new slice
// on every call.
func EvidenceFiles() []EvidenceFile {
	out := []EvidenceFile{
		{Path: PathManifest},
		{Path: PathWSUSSetupReg, Alternatives: []string{patternWSUSSetupReg}},
		{Path: PathSMSReg, Alternatives: []string{patternSMSReg}},
		{Path: PathSiteControl},
	}
	for _, l := range []string{LogWCM, LogWSyncMgr, LogWSUSCtrl, LogSUPSetup} {
		out = append(out, EvidenceFile{Path: logsDir + l, Alternatives: []string{logsDir + rolled(l)}})
	}
	return append(out,
		EvidenceFile{Path: PathAppHostConfig, Alternatives: []string{PathMetabase}},
		EvidenceFile{Path: PathCerts},
		EvidenceFile{Path: PathRootCerts},
	)
}

// rolled is the name ConfigMgr gives a log when it rolls over: X.log
// becomes X.lo_.
func rolled(name string) string { return strings.TrimSuffix(name, ".log") + ".lo_" }
