// Package facts defines the facts snapshot: the versioned contract between
// the collectors, which gather what is true of a Configuration Manager 2007
// site, and the policies, which judge it.
//
// A fact that no collector could establish is absent (nil) or carries an
// Unknown reason; it is never reported as false. Every fact that is known
// carries its Provenance: which collector saw it, on which host, in which
// source (file, registry key, endpoint) and, where there is one, on which
// line. When two sources disagree, the fact keeps the first observation as
// its value and the disagreeing ones under Conflicts, so that policies can
// report both.
//
// The JSON form is documented in docs/facts.md and enforced by the JSON
// Schema embedded in this package (schema.json).
package facts

import (
	"crypto/x509"
	"time"
)

// SchemaV1 is the value of the "schema" member of every version 1 snapshot.
const SchemaV1 = "supaudit/facts/v1"

// Snapshot is everything known about one Configuration Manager site at one
// point in time.
type Snapshot struct {
	// Schema is always SchemaV1.
	Schema string `json:"schema"`
	// ID names the snapshot in reports (for example "contoso-abc").
	ID string `json:"id"`
	// CollectedAt is when the facts were gathered. Time-dependent
	// judgements (synchronization age, certificate validity) are made as of
	// this instant unless the user overrides it.
	CollectedAt time.Time `json:"collected_at"`
	// Collectors records which collectors contributed and what they could
	// not read.
	Collectors []CollectorRun `json:"collectors,omitempty"`
	// Site describes the Configuration Manager site.
	Site Site `json:"site"`
	// Servers lists the site server and every site system of interest.
	Servers []Server `json:"servers"`
	// Sync describes the active software update point's synchronization.
	Sync *Sync `json:"sync,omitempty"`
	// SUPSettings holds the software update point component settings that
	// checklist step SUP-03 plans for.
	SUPSettings *SUPSettings `json:"sup_settings,omitempty"`
	// Answers attests the manual checklist steps.
	Answers []Answer `json:"answers,omitempty"`
}

// CollectorRun records one collector's contribution to a snapshot.
type CollectorRun struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
	// Complete is false when the collector could not read some of its
	// sources (Errors says which).
	Complete bool `json:"complete"`
	// Errors are the sources (file:line, host) the collector could not read.
	Errors []string `json:"errors,omitempty"`
	// Warnings are parts of sources that were read that the collector
	// skipped (for example an unreadable line of a site control file,
	// "file:line: what"); the facts from the rest of the source stand, and
	// a fact the skipped part might have given is unknown, not false.
	Warnings []string `json:"warnings,omitempty"`
}

// Provenance says where a fact came from.
type Provenance struct {
	// Collector is the collector that established the fact: bundle, winrm,
	// probe, inventory (a role an inventory file declares), or manual for
	// hand-written snapshots.
	Collector string `json:"collector"`
	// Host is the server the fact was read from or about.
	Host string `json:"host,omitempty"`
	// Source is the file, registry key, log or endpoint read.
	Source string `json:"source"`
	// Line is the 1-based line within Source, where there is one.
	Line int `json:"line,omitempty"`
}

// Observation is one value seen in one source.
type Observation[T any] struct {
	Value      T          `json:"value"`
	Provenance Provenance `json:"provenance"`
}

// Fact is a value with its provenance. Exactly one of Value and Unknown is
// set: Value when the collector established the fact, Unknown (the reason)
// when it tried and could not.
type Fact[T any] struct {
	Value      *T               `json:"value,omitempty"`
	Unknown    string           `json:"unknown,omitempty"`
	Provenance Provenance       `json:"provenance"`
	Conflicts  []Observation[T] `json:"conflicts,omitempty"`
}

// Known returns a fact holding v, seen at p.
func Known[T any](v T, p Provenance) *Fact[T] {
	return &Fact[T]{Value: &v, Provenance: p}
}

// UnknownFact returns a fact that a collector tried and failed to establish.
func UnknownFact[T any](reason string, p Provenance) *Fact[T] {
	return &Fact[T]{Unknown: reason, Provenance: p}
}

// Get returns the fact's value and whether it is known. A nil fact is
// unknown.
func (f *Fact[T]) Get() (T, bool) {
	var zero T
	if f == nil || f.Value == nil {
		return zero, false
	}
	return *f.Value, true
}

// Site describes the Configuration Manager 2007 site.
type Site struct {
	// Code is the three-character site code.
	Code *Fact[string] `json:"code,omitempty"`
	// ConfigMgrVersion is the site's full version, e.g. "4.00.6487.2000".
	ConfigMgrVersion *Fact[string] `json:"configmgr_version,omitempty"`
	// Mode is "native" or "mixed".
	Mode *Fact[string] `json:"mode,omitempty"`
	// SiteServer is the site server's FQDN; it must match the FQDN of one
	// entry in Snapshot.Servers for the console check (SUP-05).
	SiteServer *Fact[string] `json:"site_server,omitempty"`
}

// Server is one site system (the site server included).
type Server struct {
	// FQDN is the intranet fully qualified domain name; it identifies the
	// server within the snapshot.
	FQDN string `json:"fqdn"`
	// InternetFQDN is the site system's Internet FQDN, where it has one.
	InternetFQDN *Fact[string] `json:"internet_fqdn,omitempty"`
	// Resolves is whether the FQDN resolved in DNS when collected.
	Resolves *Fact[bool] `json:"resolves,omitempty"`
	// WSUS describes WSUS (server or console) on this computer.
	WSUS *WSUS `json:"wsus,omitempty"`
	// SUP describes the software update point role on this site system.
	SUP *SUPRole `json:"sup,omitempty"`
	// Ports lists port reachability checks against this server.
	Ports []PortCheck `json:"ports,omitempty"`
}

// WSUS install types, from the InstallType registry value of WSUS 3.0
// (1 = server install, 2 = console-only install) and the absence of the key.
const (
	InstallServer  = "server"
	InstallConsole = "console"
	InstallNone    = "none"
)

// WSUS describes Windows Server Update Services on one computer.
type WSUS struct {
	// InstallType is "server", "console" (Administration Console only) or
	// "none".
	InstallType *Fact[string] `json:"install_type,omitempty"`
	// Version is the VersionString registry value, Major.Minor.Build.Revision.
	Version *Fact[string] `json:"version,omitempty"`
	// WebSite is "default" (IIS Default Web Site) or "custom" (the WSUS
	// Administration web site).
	WebSite *Fact[string] `json:"web_site,omitempty"`
	// Port is the WSUS web site's HTTP port.
	Port *Fact[int] `json:"port,omitempty"`
	// SSLPort is the WSUS web site's HTTPS port.
	SSLPort *Fact[int] `json:"ssl_port,omitempty"`
	// UsingSSL is the UsingSSL registry value (wsusutil configuressl ran).
	UsingSSL *Fact[bool] `json:"using_ssl,omitempty"`
	// SSLRequired maps a WSUS virtual directory (ApiRemoting30,
	// ClientWebService, DssAuthWebService, ServerSyncWebService,
	// SimpleAuthWebService, ...) to whether IIS requires SSL on it.
	SSLRequired map[string]*Fact[bool] `json:"ssl_required,omitempty"`
	// ClientCertificates maps a WSUS virtual directory to its IIS client
	// certificate setting: "ignore", "accept" (IIS 7 SslNegotiateCert,
	// IIS 6 AccessSSLFlags 32) or "require" (SslRequireCert, 64). WSUS
	// clients fail (0x80072f0c) unless it is "ignore".
	ClientCertificates map[string]*Fact[string] `json:"client_certificates,omitempty"`
	// Certificate is the server certificate bound to the WSUS web site.
	Certificate *Fact[Certificate] `json:"certificate,omitempty"`
}

// Certificate is what is known of an X.509 server certificate.
type Certificate struct {
	Subject    string    `json:"subject"`
	DNSNames   []string  `json:"dns_names,omitempty"`
	Issuer     string    `json:"issuer"`
	NotBefore  time.Time `json:"not_before"`
	NotAfter   time.Time `json:"not_after"`
	Thumbprint string    `json:"thumbprint,omitempty"`
	// Trusted is whether the chain verified to a trusted root; nil when it
	// was not checked. SHA-1 signatures are accepted, as by the Windows
	// Server 2003-era clients of a ConfigMgr 2007 site.
	Trusted *bool `json:"trusted,omitempty"`
	// SignatureAlgorithm is the algorithm the issuer signed this
	// certificate with, as Go names it ("SHA1-RSA", "SHA256-RSA", ...).
	SignatureAlgorithm string `json:"signature_algorithm,omitempty"`
	// Chain is the verified chain above this certificate, from its issuer
	// up to the trusted root; empty when the chain was not verified.
	Chain []ChainCertificate `json:"chain,omitempty"`
}

// ChainCertificate is one issuing certificate of a verified chain.
type ChainCertificate struct {
	Subject            string `json:"subject"`
	SignatureAlgorithm string `json:"signature_algorithm"`
	// Root marks the trust anchor: its own (self-)signature is not
	// relied on.
	Root bool `json:"root,omitempty"`
}

// ChainOf returns the issuing certificates of a verified chain (leaf
// first, root last, as certs.VerifyChain and crypto/x509 return it), the
// root marked: the Chain of the leaf's Certificate fact.
func ChainOf(chain []*x509.Certificate) []ChainCertificate {
	var out []ChainCertificate
	for i, c := range chain {
		if i > 0 {
			out = append(out, ChainCertificate{Subject: c.Subject.String(), SignatureAlgorithm: c.SignatureAlgorithm.String(), Root: i == len(chain)-1})
		}
	}
	return out
}

// Accepted client connections of a software update point.
const (
	AcceptsIntranet = "intranet"
	AcceptsInternet = "internet"
	AcceptsBoth     = "both"
)

// SUPRole describes the software update point site system role on one
// site system, as configured in the site control file.
type SUPRole struct {
	// Present is whether the site system has the SUP role.
	Present *Fact[bool] `json:"present,omitempty"`
	// Active is whether this SUP is the site's active software update point
	// (the one named in the SMS_WSUS_CONFIGURATION_MANAGER component).
	Active *Fact[bool] `json:"active,omitempty"`
	// InternetBased is whether this SUP is the site's active Internet-based
	// software update point.
	InternetBased *Fact[bool] `json:"internet_based,omitempty"`
	// Accepts is which clients it accepts: "intranet", "internet" or
	// "both" (IsIntranet / IsINF).
	Accepts *Fact[string] `json:"accepts,omitempty"`
	// HTTPPort and HTTPSPort are the role's WSUSIISPort and WSUSIISSSLPort.
	HTTPPort  *Fact[int] `json:"http_port,omitempty"`
	HTTPSPort *Fact[int] `json:"https_port,omitempty"`
	// SSL is the role's SSLWSUS setting (require SSL communication to WSUS).
	SSL *Fact[bool] `json:"ssl,omitempty"`
}

// PortCheck is one reachability test of a TCP port.
type PortCheck struct {
	Port int `json:"port"`
	// Reachable is whether the port answers: for the network probe, an
	// HTTP response or a completed TLS handshake came back (a port that
	// only accepts the TCP connection does not answer).
	Reachable *Fact[bool] `json:"reachable"`
	// Accepts is whether the TCP handshake completes (the network probe
	// records it beside Reachable; the kernel accepts for any listener,
	// so it says nothing of the service).
	Accepts *Fact[bool] `json:"accepts,omitempty"`
	// From names where the test was made from: "site server" for WCM.log's
	// connections (WCM runs on the site server); empty for the network
	// probe, which tests from the machine supaudit runs on.
	From string `json:"from,omitempty"`
}

// Synchronization status values.
const (
	SyncSucceeded  = "succeeded"
	SyncFailed     = "failed"
	SyncNever      = "never"
	SyncInProgress = "in_progress"
)

// Sync describes the active SUP's synchronization with its upstream source.
type Sync struct {
	LastAttempt *Fact[time.Time] `json:"last_attempt,omitempty"`
	LastSuccess *Fact[time.Time] `json:"last_success,omitempty"`
	// Status is the result of the last attempt: succeeded, failed, never,
	// in_progress.
	Status *Fact[string] `json:"status,omitempty"`
	// Source is the upstream source: "Microsoft Update" or an upstream
	// server's URL.
	Source *Fact[string] `json:"source,omitempty"`
	// LastError is the error text of the last failed synchronization
	// (status message 6703's insertion strings, or the "Sync failed: ..."
	// line), when the last attempt failed.
	LastError *Fact[string] `json:"last_error,omitempty"`
}

// SUPSettings are the software update point component settings planned in
// checklist step SUP-03.
type SUPSettings struct {
	SyncSource      *Fact[string]   `json:"sync_source,omitempty"`
	SyncSchedule    *Fact[string]   `json:"sync_schedule,omitempty"`
	Classifications *Fact[[]string] `json:"classifications,omitempty"`
	Products        *Fact[[]string] `json:"products,omitempty"`
	Languages       *Fact[[]string] `json:"languages,omitempty"`
}

// Answer attests that a manual checklist step was done.
type Answer struct {
	// Step is the checklist step id, e.g. "SUP-01".
	Step string `json:"step"`
	// By is who attests it.
	By string `json:"by"`
	// At is when it was attested.
	At time.Time `json:"at"`
	// Note is free text: what was reviewed, where the plan is kept.
	Note string `json:"note,omitempty"`
}
