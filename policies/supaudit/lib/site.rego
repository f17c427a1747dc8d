# Site model helpers: which site system is the site server, the active software update point
# (SUP) and the active Internet-based SUP, derived from the snapshot.
package supaudit.lib

# servers_by_host maps a lower-case FQDN to its server entry.
servers_by_host[host(s.fqdn)] := s if some s in input.servers

# sup_facts_known holds when any server carries a known SUP role fact.
sup_facts_known if {
	some s in input.servers
	some k in ["present", "active", "internet_based"]
	known(s.sup[k])
}

# active_unknown are the site systems whose "active" fact was collected as
# unknown (for example the site control file has no
# SMS_WSUS_CONFIGURATION_MANAGER component): "no active SUP" cannot then be
# concluded.
active_unknown contains s if {
	some s in input.servers
	s.sup.active
	not known(s.sup.active)
}

# active_sups are the servers designated as the site's active (intranet or
# intranet-and-Internet) SUP.
active_sups contains s if {
	some s in input.servers
	is_true(s.sup.active)
	not is_true(object.get(s, ["sup", "internet_based"], {}))
}

# internet_sups are the servers designated as the active Internet-based SUP.
internet_sups contains s if {
	some s in input.servers
	is_true(s.sup.internet_based)
}

# active_sup is the one active SUP, when exactly one is designated.
active_sup := s if {
	count(active_sups) == 1
	some s in active_sups
}

# internet_candidates are the site systems meant to serve Internet clients
# separately from the active SUP: the designated active Internet-based SUP,
# a SUP role that accepts only Internet clients, or an Internet-facing
# server (it has an Internet FQDN) with a WSUS server install that is not
# the active SUP.
internet_candidates contains s if some s in internet_sups

internet_candidates contains s if {
	some s in input.servers
	s.sup.accepts.value == "internet"
	not is_true(object.get(s, ["sup", "active"], {}))
}

internet_candidates contains s if {
	some s in input.servers
	known(s.internet_fqdn)
	s.wsus.install_type.value == "server"
	not is_true(object.get(s, ["sup", "active"], {}))
	not is_site_server(s)
}

# no_internet_sup holds when the collected facts show no Internet-based SUP
# (no candidate above) and some SUP role fact is known: the Internet-based
# steps (SUP-09..SUP-12) are then not_applicable. internet_sup_unknown holds
# when there is no candidate only because no SUP role fact was collected at
# all: whether the site has an Internet-based SUP cannot be told.
no_internet_sup if {
	count(internet_candidates) == 0
	sup_facts_known
}

internet_sup_unknown if {
	count(internet_candidates) == 0
	not sup_facts_known
}

# internet_gate(step) is the one site-level result of an Internet-based
# step (SUP-09..SUP-12) when the site has no Internet-based SUP
# (not_applicable) or when whether it has one is unknown; undefined when
# the site has a candidate, whose results the step's rules give.
internet_gate(step) := {
	"step": step,
	"status": "not_applicable",
	"subject": site_name,
	"message": "the site has no Internet-based software update point",
} if no_internet_sup

internet_gate(step) := {
	"step": step,
	"status": "unknown",
	"subject": site_name,
	"message": "whether the site has an Internet-based software update point is unknown: no software update point role fact was collected",
	"fix": "collect_internet_sup",
} if internet_sup_unknown

# is_site_server(s) holds when s is the site server.
is_site_server(s) if same_host(s.fqdn, input.site.site_server.value)

# site_server is the site server's entry in servers, when listed.
site_server := servers_by_host[host(input.site.site_server.value)]

# accepts_internet(s) holds when the SUP on s accepts Internet clients.
accepts_internet(s) if s.sup.accepts.value in {"internet", "both"}

accepts_internet(s) if is_true(s.sup.internet_based)

# configmgr_sp1_or_later holds when the site version is known and at least
# ConfigMgr 2007 SP1; configmgr_before_sp1 when known and older.
configmgr_sp1_or_later if at_least(input.site.configmgr_version.value, params.configmgr.sp1)

configmgr_before_sp1 if {
	known(input.site.configmgr_version)
	not configmgr_sp1_or_later
}

# wsus_minimum is the lowest WSUS Major.Minor the site needs: WSUS 3.0 SP1
# (3.1) for ConfigMgr 2007 SP1 or later, else WSUS 3.0 (3.0).
wsus_minimum := params.wsus.minimum_for_configmgr_sp1 if configmgr_sp1_or_later

wsus_minimum := params.wsus.minimum if configmgr_before_sp1
