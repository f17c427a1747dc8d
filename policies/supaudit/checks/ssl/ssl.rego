# METADATA
# title: SSL on the Internet-based software update point (checklist step 10)
# description: |
#   WSUS uses SSL (wsusutil configuressl), IIS requires SSL on the five WSUS
#   web services, the SUP role requires SSL, and the certificate bound to
#   the WSUS web site is valid at judgement time, trusted, and names the
#   Internet FQDN (and the intranet FQDN, which configuressl uses).
package supaudit.checks.ssl

import data.supaudit.lib

results contains r if some r in sup_10

w(s, k) := object.get(object.get(s, "wsus", {}), k, {})

cert_ev(s) := lib.evidence(sprintf("servers[%s].wsus.certificate", [s.fqdn]), w(s, "certificate"))

# names(c) are the DNS names a certificate is valid for: its subject
# alternative names, else the subject's common name.
names(c) := {lower(n) | some n in c.dns_names} if count(object.get(c, "dns_names", [])) > 0

names(c) := {lower(trim_space(substring(p, 3, -1))) | some p in split(c.subject, ","); startswith(upper(trim_space(p)), "CN=")} if count(object.get(c, "dns_names", [])) == 0

matches(c, name) if lib.host(name) in names(c)

matches(c, name) if {
	some n in names(c)
	startswith(n, "*.")
	parts := split(lib.host(name), ".")
	count(parts) > 2
	concat(".", array.slice(parts, 1, count(parts))) == substring(n, 2, -1)
}

# problems(s) are the findings that fail SUP-10 for server s (objects with
# message, evidence and the key of the fix in fixes); unknowns(s) those
# that leave it unknown. Both are functions of the server, computed once
# per server, rather than partial sets keyed by FQDN, which OPA would
# evaluate again at every lookup.
problems(s) := ((((configuressl_problems(s) | vdir_problems(s, vdirs(s))) | whole_site_problems(s, vdirs(s))) | client_cert_problems(s, client_certs(s))) | role_problems(s)) | cert_problems(s)

configuressl_problems(s) := {{"message": "WSUS is not configured to use SSL (UsingSSL is 0: wsusutil configuressl has not been run)", "evidence": [lib.evidence(sprintf("servers[%s].wsus.using_ssl", [s.fqdn]), s.wsus.using_ssl)], "fix": "configuressl"} |
	lib.is_false(s.wsus.using_ssl)
}

vdir_problems(s, idx) := {{"message": sprintf("SSL is not required on the %s virtual directory", [v]), "evidence": [lib.evidence(sprintf("servers[%s].wsus.ssl_required.%s", [s.fqdn, v]), f)], "fix": "vdirs"} |
	some v in lib.params.ssl_required_vdirs
	f := object.get(idx, lower(v), {})
	lib.is_false(f)
}

# SSL required on a virtual directory that must stay HTTP: the Content
# directory requires SSL when SSL is required on the whole web site, and
# clients then fail to download update files ("How to Configure the WSUS
# Web Site to Use SSL").
whole_site_problems(s, idx) := {{"message": sprintf("SSL is required on the %s virtual directory (SSL required on the whole web site?): WSUS clients download update files over HTTP, so their downloads fail", [v]), "evidence": [lib.evidence(sprintf("servers[%s].wsus.ssl_required.%s", [s.fqdn, v]), f)], "fix": "whole_site"} |
	some v in lib.params.ssl_forbidden_vdirs
	f := object.get(idx, lower(v), {})
	lib.is_true(f)
}

# Client certificates set to Accept or Require on a WSUS web service:
# clients fail with 0x80072f0c.
client_cert_problems(s, idx) := {{"message": sprintf("client certificates are set to %s on the %s virtual directory instead of Ignore: WSUS clients fail with 0x80072f0c", [f.value, v]), "evidence": [lib.evidence(sprintf("servers[%s].wsus.client_certificates.%s", [s.fqdn, v]), f)], "fix": "client_certs"} |
	some v in array.concat(lib.params.ssl_required_vdirs, lib.params.ssl_forbidden_vdirs)
	f := object.get(idx, lower(v), {})
	lib.known(f)
	f.value != "ignore"
}

role_problems(s) := {{"message": "the software update point role does not require SSL communication to the WSUS server", "evidence": [lib.evidence(sprintf("servers[%s].sup.ssl", [s.fqdn]), s.sup.ssl)], "fix": "role"} |
	lib.is_false(s.sup.ssl)
}

cert_problems(s) := {p |
	c := s.wsus.certificate.value
	some p in cert_findings(s, c)
}

cert_findings(s, c) := ((((expired(s, c) | not_yet_valid(s, c)) | untrusted(s, c)) | misses_internet_fqdn(s, c)) | misses_intranet_fqdn(s, c)) | sha1_findings(s, c, "fail")

expired(s, c) := {{"message": sprintf("the certificate %s expired on %s", [c.subject, c.not_after]), "evidence": [cert_ev(s)], "fix": "cert"} |
	lib.ns(c.not_after) < lib.now_ns
}

not_yet_valid(s, c) := {{"message": sprintf("the certificate %s is not valid before %s", [c.subject, c.not_before]), "evidence": [cert_ev(s)], "fix": "cert"} |
	lib.ns(c.not_before) > lib.now_ns
}

untrusted(s, c) := {{"message": sprintf("the certificate %s issued by %s is not trusted (its chain does not verify)", [c.subject, c.issuer]), "evidence": [cert_ev(s)], "fix": "cert"} |
	c.trusted == false
}

misses_internet_fqdn(s, c) := {{"message": sprintf("the certificate %s does not name the Internet FQDN %s (it names %s)", [c.subject, s.internet_fqdn.value, concat(", ", sort(names(c)))]), "evidence": [cert_ev(s), lib.evidence(sprintf("servers[%s].internet_fqdn", [s.fqdn]), s.internet_fqdn)], "fix": "cert"} |
	not matches(c, s.internet_fqdn.value)
}

# sha1_signed(c) are the certificates of c's chain signed with SHA-1 (the
# root's self-signature is not relied on); accepted unless
# params.certificate.sha1_signatures is "warn" or "fail".
sha1_signed(c) := {sprintf("%s (%s)", [x.subject, x.signature_algorithm]) |
	some x in array.concat([{"subject": c.subject, "signature_algorithm": object.get(c, "signature_algorithm", "")}], [y | some y in object.get(c, "chain", []); not y.root])
	contains(upper(x.signature_algorithm), "SHA1")
}

sha1_findings(s, c, level) := {{"message": sprintf("SHA-1 signatures in the certificate chain (params.certificate.sha1_signatures is %s): %s", [level, concat(", ", sort(sha1_signed(c)))]), "evidence": [cert_ev(s)], "fix": "sha1"} |
	lower(lib.params.certificate.sha1_signatures) == level
	count(sha1_signed(c)) > 0
}

misses_intranet_fqdn(s, c) := {{"message": sprintf("the certificate %s does not name the intranet FQDN %s, which wsusutil configuressl and synchronization from the active SUP use", [c.subject, s.fqdn]), "evidence": [cert_ev(s)], "fix": "cert"} |
	lib.params.certificate.require_intranet_fqdn
	not matches(c, s.fqdn)
}

# vdirs(s) indexes the collected Require SSL facts of server s by the
# lower-case name of the virtual directory (names are matched without
# regard to case), built once per server.
vdirs(s) := {lower(k): f | some k, f in object.get(s, ["wsus", "ssl_required"], {})}

# client_certs(s) indexes the client certificate settings the same way.
client_certs(s) := {lower(k): f | some k, f in object.get(s, ["wsus", "client_certificates"], {})}

unknowns(s) := ((((using_ssl_unknown(s) | vdir_unknowns(s, vdirs(s))) | cert_unknown(s)) | trust_unknown(s)) | internet_fqdn_unknown(s)) | dates_unknown(s)

using_ssl_unknown(s) := {{"message": sprintf("whether WSUS uses SSL is unknown (%s)", [lib.why(w(s, "using_ssl"))]), "evidence": [lib.evidence(sprintf("servers[%s].wsus.using_ssl", [s.fqdn]), w(s, "using_ssl"))]} |
	not lib.known(object.get(s, ["wsus", "using_ssl"], {}))
}

vdir_unknowns(_, idx) := {{"message": sprintf("whether SSL is required on the %s virtual directory is unknown", [v]), "evidence": []} |
	some v in lib.params.ssl_required_vdirs
	not lib.known(object.get(idx, lower(v), {}))
}

cert_unknown(s) := {{"message": sprintf("the certificate bound to the WSUS web site is unknown (%s)", [lib.why(w(s, "certificate"))]), "evidence": [cert_ev(s)]} |
	not lib.known(object.get(s, ["wsus", "certificate"], {}))
}

trust_unknown(s) := {{"message": sprintf("whether the certificate %s is trusted was not checked", [s.wsus.certificate.value.subject]), "evidence": [cert_ev(s)]} |
	c := s.wsus.certificate.value
	not is_boolean(object.get(c, "trusted", null))
}

internet_fqdn_unknown(s) := {{"message": "the Internet FQDN of the site system is unknown, so the certificate's names cannot be checked", "evidence": []} |
	lib.known(s.wsus.certificate)
	not lib.known(object.get(s, ["internet_fqdn"], {}))
}

# The validity dates, or the instant of judgement, are not RFC 3339
# timestamps (lib.ns is undefined): whether the certificate is valid now
# cannot be told.
dates_unknown(s) := {{"message": sprintf("whether the certificate %s is valid now cannot be told: its validity dates (%s to %s) or the judgement time (%s) are not RFC 3339 timestamps", [c.subject, c.not_before, c.not_after, lib.now_text]), "evidence": [cert_ev(s)]} |
	c := s.wsus.certificate.value
	not dates_readable(c)
}

dates_readable(c) if {
	lib.ns(c.not_after)
	lib.ns(c.not_before)
	lib.now_ns
}

# METADATA
# scope: document
# title: "Internet-based SUP: configure WSUS for SSL"
# description: |
#   WSUS uses SSL; SSL is required on the WSUS web services; the
#   certificate is valid now, trusted and names the Internet FQDN (and the
#   intranet FQDN); the SUP role requires SSL.
# custom:
#   id: SUP-10
#   severity: high
#   more_information: How to Configure the WSUS Web Site to Use SSL
#   remediation:
#     - "Configure the WSUS web site of the Internet-based SUP for SSL: a server authentication certificate, trusted by the clients, naming the Internet FQDN (and the intranet FQDN); Require SSL with client certificates Ignore on exactly ApiRemoting30, ClientWebService, DSSAuthWebService, ServerSyncWebService and SimpleAuthWebService, not on the whole site or Content; then run wsusutil configuressl with the Internet FQDN."
#   fixes:
#     configuressl:
#       - "Run %ProgramFiles%\\Update Services\\Tools\\WSUSUtil.exe configuressl <intranet FQDN of the SUP> on the Internet-based SUP."
#     vdirs:
#       - "In IIS, set Require SSL (client certificates: Ignore) on exactly ApiRemoting30, ClientWebService, DSSAuthWebService, ServerSyncWebService and SimpleAuthWebService of the WSUS web site; do not require SSL on the whole site (Content must stay HTTP)."
#     whole_site:
#       - "In IIS, do not require SSL on the whole WSUS web site: clear Require SSL on the web site and on Content (and the other directories), then set it on exactly the five web services."
#     client_certs:
#       - "In IIS, SSL Settings of each WSUS web service: set Client certificates to Ignore (IIS 6: Directory Security > Secure communications > Ignore client certificates)."
#     sha1:
#       - "Reissue the certificate (and its issuing CA's) with a SHA-2 signature once every client supports it, or set params.certificate.sha1_signatures to accept where clients of the Windows Server 2003 era need SHA-1."
#     role:
#       - "In the Internet-based SUP's properties (and on the Internet-based tab of the Software Update Point Component), select Require SSL communication to the WSUS server."
#     cert:
#       - "Request a web server certificate from the PKI whose subject alternative names hold the Internet FQDN and the intranet FQDN of the SUP, valid now, from a CA the clients and the site server trust; bind it to the WSUS web site's SSL port in IIS."
#     check_wcm:
#       - "Then check WCM.log on the site server for a successful connection with useSSL: True."
#     collect_ssl:
#       - "Collect the WSUS setup registry key, the IIS configuration and the certificate bound to the WSUS web site from this server, or probe its SSL port (supaudit collect --probe)."
sup_10 contains lib.internet_gate("SUP-10")

sup_10 contains r if {
	some s in lib.internet_candidates
	some r in verdicts(s)
}

# verdicts(s) are server s's SUP-10 results: one fail per problem; else one
# unknown per unknown; else a pass.
verdicts(s) := [{
	"step": "SUP-10",
	"status": "fail",
	"subject": s.fqdn,
	"message": sprintf("%s: %s", [s.fqdn, p.message]),
	"evidence": p.evidence,
	"fix": [p.fix, "check_wcm"],
} |
	some p in ps
] if {
	ps := problems(s)
	count(ps) > 0
} else := [{
	"step": "SUP-10",
	"status": "unknown",
	"subject": s.fqdn,
	"message": sprintf("%s: %s", [s.fqdn, u.message]),
	"evidence": u.evidence,
	"fix": "collect_ssl",
} |
	some u in us
] if {
	us := unknowns(s)
	count(us) > 0
} else := [{
	"step": "SUP-10",
	"status": "warn",
	"subject": s.fqdn,
	"message": sprintf("%s: %s", [s.fqdn, p.message]),
	"evidence": p.evidence,
	"fix": p.fix,
} |
	some p in ws
] if {
	ws := sha1_findings(s, s.wsus.certificate.value, "warn")
	count(ws) > 0
} else := [r | r := pass(s)]

pass(s) := {
	"step": "SUP-10",
	"status": "pass",
	"subject": s.fqdn,
	"message": sprintf("%s: WSUS uses SSL, the five WSUS web services require SSL, and the certificate %s is valid until %s, trusted and names %s", [s.fqdn, c.subject, valid_until(c), s.internet_fqdn.value]),
	"evidence": [lib.evidence(sprintf("servers[%s].wsus.using_ssl", [s.fqdn]), s.wsus.using_ssl), cert_ev(s)],
} if {
	c := s.wsus.certificate.value
}

# RFC 5280 4.1.2.5: notAfter 99991231235959Z means the certificate has no
# well-defined expiration date.
valid_until(c) := sprintf("%s (no well-defined expiration date)", [c.not_after]) if lib.ns(c.not_after) == no_expiration_ns

valid_until(c) := c.not_after if lib.ns(c.not_after) != no_expiration_ns

# no_expiration_ns is 9999-12-31T23:59:59Z (lib_test checks the figure).
no_expiration_ns := 253402300799000000000
