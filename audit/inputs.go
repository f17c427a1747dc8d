package audit

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/supaudit/supaudit/internal/capread"
)

// Inputs expands snapshot files, directories (every **/*.json below them)
// and doublestar glob patterns into a sorted, de-duplicated list of files.
// A file given by name that is not a regular file (a named pipe would
// block the run) is an error naming it; one found below a directory or by
// a pattern is skipped, and warn (when not nil) is told why.
func Inputs(args []string, warn func(msg string)) ([]string, error) {
	seen := map[string]bool{}
	var files []string
	add := func(p string) {
		p = filepath.Clean(p)
		if !seen[p] {
			seen[p] = true
			files = append(files, p)
		}
	}
	addFound := func(p string) {
		if err := capread.Regular(p); err != nil {
			if warn != nil {
				warn(fmt.Sprintf("%v: skipped", err))
			}
			return
		}
		add(p)
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
				addFound(filepath.Join(arg, filepath.FromSlash(m)))
			}
		case err == nil && !st.Mode().IsRegular():
			return nil, &capread.NotRegularError{Path: arg, Mode: st.Mode()}
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
				addFound(m)
			}
		default:
			return nil, fmt.Errorf("%s: no such file or directory", arg)
		}
	}
	sort.Strings(files)
	return files, nil
}
