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

problems[s.fqdn] contains {"message": "WSUS is not configured to use SSL (UsingSSL is 0: wsusutil configuressl has not been run)", "evidence": [lib.evidence(sprintf("servers[%s].wsus.using_ssl", [s.fqdn]), s.wsus.using_ssl)], "fix": "configuressl"} if {
	some s in lib.internet_candidates
	lib.is_false(s.wsus.using_ssl)
}

problems[s.fqdn] contains {"message": sprintf("SSL is not required on the %s virtual directory", [v]), "evidence": [lib.evidence(sprintf("servers[%s].wsus.ssl_required.%s", [s.fqdn, v]), f)], "fix": "vdirs"} if {
	some s in lib.internet_candidates
	some v in lib.params.ssl_required_vdirs
	f := ssl_required(s, v)
	lib.is_false(f)
}

problems[s.fqdn] contains {"message": "the software update point role does not require SSL communication to the WSUS server", "evidence": [lib.evidence(sprintf("servers[%s].sup.ssl", [s.fqdn]), s.sup.ssl)], "fix": "role"} if {
	some s in lib.internet_candidates
	lib.is_false(s.sup.ssl)
}

problems[s.fqdn] contains {"message": sprintf("the certificate %s expired on %s", [c.subject, c.not_after]), "evidence": [cert_ev(s)], "fix": "cert"} if {
	some s in lib.internet_candidates
	c := s.wsus.certificate.value
	time.parse_rfc3339_ns(c.not_after) < lib.now_ns
}

problems[s.fqdn] contains {"message": sprintf("the certificate %s is not valid before %s", [c.subject, c.not_before]), "evidence": [cert_ev(s)], "fix": "cert"} if {
	some s in lib.internet_candidates
	c := s.wsus.certificate.value
	time.parse_rfc3339_ns(c.not_before) > lib.now_ns
}

problems[s.fqdn] contains {"message": sprintf("the certificate %s issued by %s is not trusted (its chain does not verify)", [c.subject, c.issuer]), "evidence": [cert_ev(s)], "fix": "cert"} if {
	some s in lib.internet_candidates
	c := s.wsus.certificate.value
	c.trusted == false
}

problems[s.fqdn] contains {"message": sprintf("the certificate %s does not name the Internet FQDN %s (it names %s)", [c.subject, s.internet_fqdn.value, concat(", ", sort(names(c)))]), "evidence": [cert_ev(s), lib.evidence(sprintf("servers[%s].internet_fqdn", [s.fqdn]), s.internet_fqdn)], "fix": "cert"} if {
	some s in lib.internet_candidates
	c := s.wsus.certificate.value
	not matches(c, s.internet_fqdn.value)
}

problems[s.fqdn] contains {"message": sprintf("the certificate %s does not name the intranet FQDN %s, which wsusutil configuressl and synchronization from the active SUP use", [c.subject, s.fqdn]), "evidence": [cert_ev(s)], "fix": "cert"} if {
	some s in lib.internet_candidates
	lib.params.certificate.require_intranet_fqdn
	c := s.wsus.certificate.value
	not matches(c, s.fqdn)
}

# ssl_required(s, v) is the fact for virtual directory v (matched without
# regard to case), or {} (unknown) when it was not collected.
ssl_required(s, v) := f if {
	some k, f in object.get(s, ["wsus", "ssl_required"], {})
	lower(k) == lower(v)
}

ssl_required(s, v) := {} if {
	every k, _ in object.get(s, ["wsus", "ssl_required"], {}) {
		lower(k) != lower(v)
	}
}

unknowns[s.fqdn] contains {"message": sprintf("whether WSUS uses SSL is unknown (%s)", [lib.why(w(s, "using_ssl"))]), "evidence": [lib.evidence(sprintf("servers[%s].wsus.using_ssl", [s.fqdn]), w(s, "using_ssl"))]} if {
	some s in lib.internet_candidates
	not lib.known(object.get(s, ["wsus", "using_ssl"], {}))
}

unknowns[s.fqdn] contains {"message": sprintf("whether SSL is required on the %s virtual directory is unknown", [v]), "evidence": []} if {
	some s in lib.internet_candidates
	some v in lib.params.ssl_required_vdirs
	not lib.known(ssl_required(s, v))
}

unknowns[s.fqdn] contains {"message": sprintf("the certificate bound to the WSUS web site is unknown (%s)", [lib.why(w(s, "certificate"))]), "evidence": [cert_ev(s)]} if {
	some s in lib.internet_candidates
	not lib.known(object.get(s, ["wsus", "certificate"], {}))
}

unknowns[s.fqdn] contains {"message": sprintf("whether the certificate %s is trusted was not checked", [s.wsus.certificate.value.subject]), "evidence": [cert_ev(s)]} if {
	some s in lib.internet_candidates
	c := s.wsus.certificate.value
	not is_boolean(object.get(c, "trusted", null))
}

unknowns[s.fqdn] contains {"message": "the Internet FQDN of the site system is unknown, so the certificate's names cannot be checked", "evidence": []} if {
	some s in lib.internet_candidates
	lib.known(s.wsus.certificate)
	not lib.known(object.get(s, ["internet_fqdn"], {}))
}

fixes := {
	"configuressl": "Run %ProgramFiles%\\Update Services\\Tools\\WSUSUtil.exe configuressl <intranet FQDN of the SUP> on the Internet-based SUP.",
	"vdirs": "In IIS, set Require SSL (client certificates: Ignore) on exactly ApiRemoting30, ClientWebService, DSSAuthWebService, ServerSyncWebService and SimpleAuthWebService of the WSUS web site; do not require SSL on the whole site (Content must stay HTTP).",
	"role": "In the Internet-based SUP's properties (and on the Internet-based tab of the Software Update Point Component), select Require SSL communication to the WSUS server.",
	"cert": "Request a web server certificate from the PKI whose subject alternative names hold the Internet FQDN and the intranet FQDN of the SUP, valid now, from a CA the clients and the site server trust; bind it to the WSUS web site's SSL port in IIS.",
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
sup_10 contains lib.result(rego.metadata.chain(), {
	"status": "not_applicable",
	"subject": lib.site_name,
	"message": "the site has no Internet-based software update point",
}) if lib.no_internet_sup

sup_10 contains lib.result(rego.metadata.chain(), {
	"status": "unknown",
	"subject": lib.site_name,
	"message": lib.internet_sup_unknown_message,
	"remediation": lib.internet_sup_unknown_remediation,
}) if lib.internet_sup_unknown

sup_10 contains lib.result(rego.metadata.chain(), {
	"status": "fail",
	"subject": s.fqdn,
	"message": sprintf("%s: %s", [s.fqdn, p.message]),
	"evidence": p.evidence,
	"remediation": [fixes[p.fix], "Then check WCM.log on the site server for a successful connection with useSSL: True."],
}) if {
	some s in lib.internet_candidates
	some p in problems[s.fqdn]
}

sup_10 contains lib.result(rego.metadata.chain(), {
	"status": "unknown",
	"subject": s.fqdn,
	"message": sprintf("%s: %s", [s.fqdn, u.message]),
	"evidence": u.evidence,
	"remediation": ["Collect the WSUS setup registry key, the IIS configuration and the certificate bound to the WSUS web site from this server, or probe its SSL port (supaudit collect --probe)."],
}) if {
	some s in lib.internet_candidates
	not problems[s.fqdn]
	some u in unknowns[s.fqdn]
}

sup_10 contains lib.result(rego.metadata.chain(), {
	"status": "pass",
	"subject": s.fqdn,
	"message": sprintf("%s: WSUS uses SSL, the five WSUS web services require SSL, and the certificate %s is valid until %s, trusted and names %s", [s.fqdn, c.subject, c.not_after, s.internet_fqdn.value]),
	"evidence": [lib.evidence(sprintf("servers[%s].wsus.using_ssl", [s.fqdn]), s.wsus.using_ssl), cert_ev(s)],
}) if {
	some s in lib.internet_candidates
	not problems[s.fqdn]
	not unknowns[s.fqdn]
	c := s.wsus.certificate.value
}
