package extract

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadNames(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// The shipped example sets the defaults.
	n, err := LoadNames(filepath.Join("..", "..", "..", "docs", "examples", "sitectrl-names.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var o Options
	n.Apply(&o)
	if o.SiteMode != DefaultSiteModeRule || o.InternetSUPProperty != DefaultInternetSUPProperty || o.SUPSettings.withDefaults() != DefaultSUPSettingsRule {
		t.Errorf("the example does not give the defaults: %+v", o)
	}
	// A partial file keeps the other defaults.
	n, err = LoadNames(write("p.yaml", "sup_settings:\n  products_property: Products\n"))
	if err != nil {
		t.Fatal(err)
	}
	o = Options{}
	n.Apply(&o)
	if r := o.SUPSettings.withDefaults(); r.ProductsComponent != ComponentWSUSConfigurationManager || r.ProductsProperty != "Products" || r.ScheduleProperty != "Sync Schedule" || o.SiteMode != (SiteModeRule{}) {
		t.Errorf("partial: %+v", o)
	}
	for _, tt := range []struct{ name, body, want string }{
		{"unknown key", "sup_setings: {}\n", `unknown field "sup_setings"`},
		{"bad site mode", "site_mode: {component: X, property: Z}\n", "site_mode needs component, property and a non-zero native_mask"},
		{"not YAML", "a: [\n", "site control names"},
		{"too large", strings.Repeat("#", MaxNamesFileSize+1), "larger than"},
	} {
		if _, err := LoadNames(write(tt.name, tt.body)); err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), tt.name) {
			t.Errorf("%s: err = %v, want %q and the file name", tt.name, err, tt.want)
		}
	}
}
