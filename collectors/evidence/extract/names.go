package extract

import (
	"bytes"
	"encoding/json"
	"fmt"

	"sigs.k8s.io/yaml"

	"github.com/supaudit/supaudit/internal/capread"
)

// MaxNamesFileSize caps a site control names file.
const MaxNamesFileSize = 1 << 20

// Names are the site control file names that no public source settles for
// ConfigMgr 2007 (docs/sources.md), as a user overrides them in a YAML or
// JSON file (supaudit collect --sitectrl-names FILE). Anything left out
// keeps its default.
type Names struct {
	// SiteMode is where the site mode is read.
	SiteMode *struct {
		Component  string `json:"component"`
		Property   string `json:"property"`
		NativeMask uint32 `json:"native_mask"`
	} `json:"site_mode,omitempty"`
	// InternetSUPProperty is the SMS_WSUS_CONFIGURATION_MANAGER property
	// naming the active Internet-based SUP.
	InternetSUPProperty string `json:"internet_sup_property,omitempty"`
	// SUPSettings are where the SUP-03 settings are read.
	SUPSettings *struct {
		SourceComponent          string `json:"source_component"`
		SourceProperty           string `json:"source_property"`
		UpstreamProperty         string `json:"upstream_property"`
		ScheduleComponent        string `json:"schedule_component"`
		ScheduleProperty         string `json:"schedule_property"`
		LanguagesComponent       string `json:"languages_component"`
		LanguagesProperty        string `json:"languages_property"`
		ClassificationsComponent string `json:"classifications_component"`
		ClassificationsProperty  string `json:"classifications_property"`
		ProductsComponent        string `json:"products_component"`
		ProductsProperty         string `json:"products_property"`
	} `json:"sup_settings,omitempty"`
}

// LoadNames reads a names file (YAML or JSON). Unknown keys are refused,
// naming the file, so that a misspelt name is not silently ignored.
func LoadNames(path string) (*Names, error) {
	data, err := capread.File(path, MaxNamesFileSize)
	if err != nil {
		return nil, fmt.Errorf("site control names %s: %w", path, err)
	}
	js, err := yaml.YAMLToJSON(data)
	if err != nil {
		return nil, fmt.Errorf("site control names %s: %v", path, err)
	}
	var n Names
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&n); err != nil {
		return nil, fmt.Errorf("site control names %s: %v (keys: site_mode {component, property, native_mask}, internet_sup_property, sup_settings {source_component, source_property, upstream_property, schedule_component, schedule_property, languages_component, languages_property, classifications_component, classifications_property, products_component, products_property})", path, err)
	}
	if m := n.SiteMode; m != nil && (m.Component == "" || m.Property == "" || m.NativeMask == 0) {
		return nil, fmt.Errorf("site control names %s: site_mode needs component, property and a non-zero native_mask", path)
	}
	return &n, nil
}

// Apply sets the names of n in the options: site mode rule, Internet-based
// SUP property and SUP-03 settings rule (its empty fields keep the
// defaults, see SUPSettingsRule).
func (n *Names) Apply(o *Options) {
	if n == nil {
		return
	}
	if m := n.SiteMode; m != nil {
		o.SiteMode = SiteModeRule{Component: m.Component, Property: m.Property, NativeMask: m.NativeMask}
	}
	if n.InternetSUPProperty != "" {
		o.InternetSUPProperty = n.InternetSUPProperty
	}
	if s := n.SUPSettings; s != nil {
		o.SUPSettings = SUPSettingsRule{
			SourceComponent: s.SourceComponent, SourceProperty: s.SourceProperty, UpstreamProperty: s.UpstreamProperty,
			ScheduleComponent: s.ScheduleComponent, ScheduleProperty: s.ScheduleProperty,
			LanguagesComponent: s.LanguagesComponent, LanguagesProperty: s.LanguagesProperty,
			ClassificationsComponent: s.ClassificationsComponent, ClassificationsProperty: s.ClassificationsProperty,
			ProductsComponent: s.ProductsComponent, ProductsProperty: s.ProductsProperty,
		}
	}
}
