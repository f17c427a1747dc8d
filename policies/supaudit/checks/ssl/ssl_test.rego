package supaudit.checks.ssl_test

import data.supaudit.checks.ssl
import data.supaudit.testlib as t

cert(over) := t.fact(object.union(t.inet.wsus.certificate.value, over))

test_compliant_internet_sup_passes if {
	rs := ssl.results with input as t.snapshot([t.site_server, t.sup, t.inet])
	t.statuses(rs, "SUP-10") == {"pass"}
}

test_no_internet_sup_not_applicable if {
	rs := ssl.results with input as t.snapshot([t.site_server, t.sup])
	t.statuses(rs, "SUP-10") == {"not_applicable"}
}

test_not_using_ssl_fails if {
	rs := ssl.results with input as t.snapshot([t.site_server, t.sup, t.set_wsus(t.inet, "using_ssl", t.fact(false))])
	t.statuses(rs, "SUP-10") == {"fail"}
}

test_vdir_without_ssl_fails if {
	req := object.union(t.inet.wsus.ssl_required, {"ClientWebService": t.fact(false)})
	rs := ssl.results with input as t.snapshot([t.site_server, t.sup, t.set_wsus(t.inet, "ssl_required", req)])
	some r in rs
	r.status == "fail"
	contains(r.message, "ClientWebService")
}

test_expired_certificate_fails if {
	rs := ssl.results with input as t.snapshot([t.site_server, t.sup, t.set_wsus(t.inet, "certificate", cert({"not_after": "2026-06-01T00:00:00Z"}))])
	some r in rs
	r.status == "fail"
	contains(r.message, "expired")
}

test_as_of_moves_judgement_time if {
	rs := ssl.results with input as t.snapshot([t.site_server, t.sup, t.inet]) with data.supaudit.params.as_of as "2027-06-01T00:00:00Z"
	t.statuses(rs, "SUP-10") == {"fail"}
}

test_wrong_name_fails if {
	rs := ssl.results with input as t.snapshot([t.site_server, t.sup, t.set_wsus(t.inet, "certificate", cert({"dns_names": ["www.example.com"], "subject": "CN=www.example.com"}))])
	some r in rs
	r.status == "fail"
	contains(r.message, "does not name the Internet FQDN sup.example.com")
}

test_wildcard_matches_one_label if {
	c := cert({"dns_names": ["*.example.com", "*.corp.example.com"]})
	rs := ssl.results with input as t.snapshot([t.site_server, t.sup, t.set_wsus(t.inet, "certificate", c)])
	t.statuses(rs, "SUP-10") == {"pass"}
}

test_cn_used_without_san if {
	c := cert({"dns_names": [], "subject": "CN=sup.example.com, O=Example"})
	rs := ssl.results with input as t.snapshot([t.site_server, t.sup, t.set_wsus(t.inet, "certificate", c)])
	some r in rs
	r.status == "fail"
	contains(r.message, "intranet FQDN")
	not internet_name_failure(rs)
}

internet_name_failure(rs) if {
	some r in rs
	contains(r.message, "does not name the Internet FQDN")
}

test_untrusted_fails if {
	rs := ssl.results with input as t.snapshot([t.site_server, t.sup, t.set_wsus(t.inet, "certificate", cert({"trusted": false}))])
	t.statuses(rs, "SUP-10") == {"fail"}
}

test_certificate_unknown if {
	rs := ssl.results with input as t.snapshot([t.site_server, t.sup, t.put(t.inet, "wsus", object.remove(t.inet.wsus, ["certificate"]))])
	t.statuses(rs, "SUP-10") == {"unknown"}
}

test_no_role_facts_internet_sup_unknown if {
	rs := ssl.results with input as t.snapshot([t.site_server, object.remove(t.sup, ["sup"])])
	t.statuses(rs, "SUP-10") == {"unknown"}
}

# "How to Configure the WSUS Web Site to Use SSL": SSL required on the whole
# web site makes the Content virtual directory require SSL too.
test_content_requiring_ssl_fails if {
	req := object.union(t.inet.wsus.ssl_required, {"Content": t.fact(true)})
	rs := ssl.results with input as t.snapshot([t.site_server, t.sup, t.set_wsus(t.inet, "ssl_required", req)])
	t.statuses(rs, "SUP-10") == {"fail"}
	some r in rs
	contains(r.message, "SSL is required on the Content virtual directory")
}

test_content_without_ssl_passes if {
	req := object.union(t.inet.wsus.ssl_required, {"Content": t.fact(false)})
	rs := ssl.results with input as t.snapshot([t.site_server, t.sup, t.set_wsus(t.inet, "ssl_required", req)])
	t.statuses(rs, "SUP-10") == {"pass"}
}

# Client certificates Accept (SslNegotiateCert) or Require (SslRequireCert)
# on a web service: clients fail with 0x80072f0c.
test_client_certificates_accept_or_require_fail if {
	every setting in ["accept", "require"] {
		cc := {"ClientWebService": t.fact(setting), "SimpleAuthWebService": t.fact("ignore")}
		rs := ssl.results with input as t.snapshot([t.site_server, t.sup, t.set_wsus(t.inet, "client_certificates", cc)])
		t.statuses(rs, "SUP-10") == {"fail"}
		some r in rs
		contains(r.message, sprintf("client certificates are set to %s on the ClientWebService", [setting]))
	}
}

test_client_certificates_ignore_passes if {
	cc := {v: t.fact("ignore") | some v in ["ApiRemoting30", "ClientWebService", "DssAuthWebService", "ServerSyncWebService", "SimpleAuthWebService", "Content"]}
	rs := ssl.results with input as t.snapshot([t.site_server, t.sup, t.set_wsus(t.inet, "client_certificates", cc)])
	t.statuses(rs, "SUP-10") == {"pass"}
}

sha1_cert := cert({"signature_algorithm": "SHA1-RSA", "chain": [
	{"subject": "CN=Contoso Issuing CA", "signature_algorithm": "SHA1-RSA"},
	{"subject": "CN=Contoso Root CA", "signature_algorithm": "SHA1-RSA", "root": true},
]})

# A trusted SHA-1 chain (Windows Server 2003 CA) passes by default.
test_sha1_chain_accepted_by_default if {
	rs := ssl.results with input as t.snapshot([t.site_server, t.sup, t.set_wsus(t.inet, "certificate", sha1_cert)])
	t.statuses(rs, "SUP-10") == {"pass"}
}

test_sha1_flagged_when_asked if {
	rs := ssl.results with input as t.snapshot([t.site_server, t.sup, t.set_wsus(t.inet, "certificate", sha1_cert)])
		with data.supaudit.params.certificate.sha1_signatures as "warn"
	t.statuses(rs, "SUP-10") == {"warn"}
	some r in rs
	contains(r.message, "CN=Contoso Issuing CA (SHA1-RSA)")
	not contains(r.message, "Root CA")
	rf := ssl.results with input as t.snapshot([t.site_server, t.sup, t.set_wsus(t.inet, "certificate", sha1_cert)])
		with data.supaudit.params.certificate.sha1_signatures as "fail"
	t.statuses(rf, "SUP-10") == {"fail"}
}

test_sha256_not_flagged if {
	c := cert({"signature_algorithm": "SHA256-RSA"})
	rs := ssl.results with input as t.snapshot([t.site_server, t.sup, t.set_wsus(t.inet, "certificate", c)])
		with data.supaudit.params.certificate.sha1_signatures as "fail"
	t.statuses(rs, "SUP-10") == {"pass"}
}

# RFC 5280: notAfter 9999-12-31T23:59:59Z is "no well-defined expiration
# date"; the certificate does not expire.
test_certificate_without_expiration_passes if {
	inet := t.set_wsus(t.inet, "certificate", cert({"not_after": "9999-12-31T23:59:59Z"}))
	rs := ssl.results with input as t.snapshot([t.site_server, t.sup, inet])
	t.statuses(rs, "SUP-10") == {"pass"}
	some r in rs
	contains(r.message, "valid until 9999-12-31T23:59:59Z (no well-defined expiration date)")
}

test_certificate_expired_long_ago_fails if {
	inet := t.set_wsus(t.inet, "certificate", cert({"not_before": "1600-01-01T00:00:00Z", "not_after": "1650-01-01T00:00:00Z"}))
	rs := ssl.results with input as t.snapshot([t.site_server, t.sup, inet])
	t.statuses(rs, "SUP-10") == {"fail"}
}

test_unreadable_certificate_dates_are_unknown if {
	inet := t.set_wsus(t.inet, "certificate", cert({"not_after": "never"}))
	rs := ssl.results with input as t.snapshot([t.site_server, t.sup, inet])
	t.statuses(rs, "SUP-10") == {"unknown"}
	some r in rs
	contains(r.message, "not RFC 3339 timestamps")
}
