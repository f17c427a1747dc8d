package audit

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
)

// Inputs expands snapshot files, directories (every **/*.json below them)
// and doublestar glob patterns into a sorted, de-duplicated list of files.
func Inputs(args []string) ([]string, error) {
	seen := map[string]bool{}
	var files []string
	add := func(p string) {
		p = filepath.Clean(p)
		if !seen[p] {
			seen[p] = true
			files = append(files, p)
		}
	}
	for _, arg := range args {
		st, err := os.Stat(arg)
		switch {
		case err == nil && st.IsDir():
			matches, gerr := doublestar.Glob(os.DirFS(arg), "**/*.json")
			if gerr != nil {
				return nil, fmt.Errorf("%s: %w", arg, gerr)
			}
			if len(matches) == 0 {
				return nil, fmt.Errorf("%s: no *.json snapshot files in this directory", arg)
			}
			for _, m := range matches {
				add(filepath.Join(arg, filepath.FromSlash(m)))
			}
		case err == nil:
			add(arg)
		case errors.Is(err, os.ErrNotExist) && strings.ContainsAny(arg, "*?[{"):
			pattern := filepath.ToSlash(arg)
			if !doublestar.ValidatePattern(pattern) {
				return nil, fmt.Errorf("%s: invalid glob pattern", arg)
			}
			matches, gerr := doublestar.FilepathGlob(arg, doublestar.WithFilesOnly())
			if gerr != nil {
				return nil, fmt.Errorf("%s: %w", arg, gerr)
			}
			if len(matches) == 0 {
				return nil, fmt.Errorf("%s: no file matches this pattern", arg)
			}
			for _, m := range matches {
				add(m)
			}
		default:
			return nil, fmt.Errorf("%s: no such file or directory", arg)
		}
	}
	sort.Strings(files)
	return files, nil
}
