package extract

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/supaudit/supaudit/collectors/evidence/sitectrl"
	"github.com/supaudit/supaudit/facts"
)

// SUPSettingsRule says where the software update point component settings
// planned in checklist step SUP-03 are read in the site control file. Each
// setting is a PROPERTY of a component block; an empty property name means
// the site control file does not hold the setting.
//
// Sources (docs/sources.md, "SUP-03 settings"): the ConfigMgr 2007 SDK puts
// the synchronization trigger ("Sync Now") in the SMS_WSUS_SYNC_MANAGER
// component of the site control file and the WSUS settings in the
// SMS_WSUS_CONFIGURATION_MANAGER component; the property names below are
// those current-branch tools read from the same components (believed, NOT
// verified for ConfigMgr 2007), hence overridable. The subscribed products
// and classifications are SMS_UpdateCategoryInstance objects (IsSubscribed)
// in the site database in the 2007 SDK, not site control properties.
type SUPSettingsRule struct {
	// SourceComponent's DWORD SourceProperty is the synchronization source:
	// 0 Microsoft Update, 1 the upstream server named by the string
	// UpstreamProperty, 2 none.
	SourceComponent, SourceProperty, UpstreamProperty string
	// ScheduleComponent's ScheduleProperty holds the synchronization
	// schedule token; empty means no schedule (synchronization only when
	// started by hand).
	ScheduleComponent, ScheduleProperty string
	// LanguagesComponent's LanguagesProperty is the comma-separated list of
	// update file languages.
	LanguagesComponent, LanguagesProperty string
	// ClassificationsComponent / ClassificationsProperty and
	// ProductsComponent / ProductsProperty name a comma-separated property
	// or a property list holding the subscribed update classifications and
	// products; empty (the default) means they are not in the site control
	// file.
	ClassificationsComponent, ClassificationsProperty string
	ProductsComponent, ProductsProperty               string
}

// Component names of the site control file (ConfigMgr 2007 SDK).
const (
	ComponentWSUSConfigurationManager = "SMS_WSUS_CONFIGURATION_MANAGER"
	ComponentWSUSSyncManager          = "SMS_WSUS_SYNC_MANAGER"
)

// DefaultSUPSettingsRule reads the settings where current-branch tools find
// them (docs/sources.md).
var DefaultSUPSettingsRule = SUPSettingsRule{
	SourceComponent:    ComponentWSUSConfigurationManager,
	SourceProperty:     "DefaultUseParentWSUS",
	UpstreamProperty:   "ParentWSUS",
	ScheduleComponent:  ComponentWSUSSyncManager,
	ScheduleProperty:   "Sync Schedule",
	LanguagesComponent: ComponentWSUSConfigurationManager,
	LanguagesProperty:  "SupportedUpdateLanguages",
}

// withDefaults fills the fields left empty from DefaultSUPSettingsRule
// (a classifications or products property without a component means
// SMS_WSUS_CONFIGURATION_MANAGER).
func (r SUPSettingsRule) withDefaults() SUPSettingsRule {
	d := DefaultSUPSettingsRule
	for _, f := range []struct {
		v   *string
		def string
	}{
		{&r.SourceComponent, d.SourceComponent}, {&r.SourceProperty, d.SourceProperty}, {&r.UpstreamProperty, d.UpstreamProperty},
		{&r.ScheduleComponent, d.ScheduleComponent}, {&r.ScheduleProperty, d.ScheduleProperty},
		{&r.LanguagesComponent, d.LanguagesComponent}, {&r.LanguagesProperty, d.LanguagesProperty},
	} {
		if *f.v == "" {
			*f.v = f.def
		}
	}
	if r.ClassificationsProperty != "" && r.ClassificationsComponent == "" {
		r.ClassificationsComponent = ComponentWSUSConfigurationManager
	}
	if r.ProductsProperty != "" && r.ProductsComponent == "" {
		r.ProductsComponent = ComponentWSUSConfigurationManager
	}
	return r
}

// SyncSourceMicrosoftUpdate is the sync_source fact of a SUP that
// synchronizes with Microsoft Update.
const SyncSourceMicrosoftUpdate = "Microsoft Update"

// notInSiteControl is the reason given for the products and
// classifications when no property is configured for them.
const notInSiteControl = "the subscribed %s are kept in the site database (SMS_UpdateCategoryInstance objects with IsSubscribed, ConfigMgr 2007 SDK), not in the site control file, so the evidence bundle does not hold them; add them to the snapshot by hand, or name the site control property that holds them in the collector options"

var reRegType = regexp.MustCompile(`^REG_[A-Z_]+$`)

// applySUPSettings reads the SUP-03 settings from the site control file c.
func (b *builder) applySUPSettings(c scf) {
	rule := b.opts.SUPSettings.withDefaults()
	src := c.ev.source(c.e)
	p := func(line int) facts.Provenance { return b.prov(c.host, src, line) }
	if b.supSettings == nil {
		b.supSettings = &facts.SUPSettings{}
	}
	s := b.supSettings
	// find returns the named property of the named component, or the
	// reason it is missing.
	find := func(component, property string) (*sitectrl.Property, int, string) {
		comp := c.f.Component(component)
		if comp == nil {
			return nil, 0, fmt.Sprintf("the site control file has no %s component%s", component, skipped(c.f))
		}
		pr := comp.Property(property)
		if pr == nil {
			return nil, comp.Line, fmt.Sprintf("no PROPERTY <%s> in the %s component of the site control file (line %d)%s", property, component, comp.Line, skipped(c.f))
		}
		return pr, pr.Line, ""
	}

	// Synchronization source.
	if pr, line, why := find(rule.SourceComponent, rule.SourceProperty); why != "" {
		setUnknown(&s.SyncSource, why, p(line))
	} else if n, err := pr.DWord(); err != nil {
		setUnknown(&s.SyncSource, err.Error(), p(line))
	} else {
		switch n {
		case 0:
			setFact(&s.SyncSource, SyncSourceMicrosoftUpdate, p(line))
		case 1:
			if up, upLine, why := find(rule.SourceComponent, rule.UpstreamProperty); why != "" {
				setUnknown(&s.SyncSource, fmt.Sprintf("%s is 1 (an upstream server), but %s", rule.SourceProperty, why), p(line))
			} else {
				setFact(&s.SyncSource, strings.TrimSpace(up.String), p(upLine))
			}
		case 2:
			setFact(&s.SyncSource, "", p(line)) // synchronizes from neither
		default:
			setUnknown(&s.SyncSource, fmt.Sprintf("%s %d is not 0 (Microsoft Update), 1 (upstream server) or 2 (none)", rule.SourceProperty, n), p(line))
		}
	}

	// Synchronization schedule: the schedule token is the property's
	// first value field when that is not a REG_ type word, else its string
	// field (which field ConfigMgr uses is believed, docs/sources.md).
	if pr, line, why := find(rule.ScheduleComponent, rule.ScheduleProperty); why != "" {
		setUnknown(&s.SyncSchedule, why, p(line))
	} else {
		v := strings.TrimSpace(pr.Type)
		if reRegType.MatchString(v) {
			v = strings.TrimSpace(pr.String)
		}
		setFact(&s.SyncSchedule, v, p(line))
	}

	// Languages.
	if pr, line, why := find(rule.LanguagesComponent, rule.LanguagesProperty); why != "" {
		setUnknown(&s.Languages, why, p(line))
	} else {
		setList(&s.Languages, commaList(pr.String), p(line))
	}

	// Classifications and products.
	for _, x := range []struct {
		what, component, property string
		dst                       **facts.Fact[[]string]
	}{
		{"update classifications", rule.ClassificationsComponent, rule.ClassificationsProperty, &s.Classifications},
		{"products", rule.ProductsComponent, rule.ProductsProperty, &s.Products},
	} {
		if x.property == "" {
			setUnknown(x.dst, fmt.Sprintf(notInSiteControl, x.what), p(0))
			continue
		}
		if comp := c.f.Component(x.component); comp != nil {
			if l := comp.PropertyList(x.property); l != nil {
				var items []string
				for _, it := range l.Items {
					if t := strings.TrimSpace(it.Text); t != "" {
						items = append(items, t)
					}
				}
				setList(x.dst, items, p(l.Block.Line))
				continue
			}
		}
		if pr, line, why := find(x.component, x.property); why != "" {
			setUnknown(x.dst, why, p(line))
		} else {
			setList(x.dst, commaList(pr.String), p(line))
		}
	}
}

// setList sets a list fact (lists are not comparable, so setFact does not
// apply): the first observation stands, a different one is a conflict.
func setList(dst **facts.Fact[[]string], v []string, p facts.Provenance) {
	if v == nil {
		v = []string{}
	}
	if *dst == nil || (*dst).Value == nil {
		*dst = facts.Known(v, p)
		return
	}
	if strings.Join(*(*dst).Value, "\x00") != strings.Join(v, "\x00") {
		(*dst).Conflicts = append((*dst).Conflicts, facts.Observation[[]string]{Value: v, Provenance: p})
	}
}

// commaList splits "en,fr, de" into its non-empty, trimmed items.
func commaList(s string) []string {
	out := []string{}
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
