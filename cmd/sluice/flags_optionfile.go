package main

import (
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"
	"gopkg.in/ini.v1"
)

// optionFileSections are the sections of --defaults-file and --defaults-extra-file a command
// takes option defaults from, in order (a later one wins): mydumper's own section for `sluice
// dump`, myloader's for `sluice load` (mydumper and myloader read theirs the same way), then
// [sluice] for either.
var optionFileSections = map[string][]string{
	"dump": {"mydumper", "sluice"},
	"load": {"myloader", "sluice"},
}

// tableSection is a mydumper per-table section [`db`.`table`] of an option file: its keys
// (where, limit, columns_filter, ...), by lower-case name.
type tableSection struct {
	db, table string
	keys      map[string]string
}

// applyOptionFiles sets the flags of fs that the command line did not give from the option
// files --defaults-file and then --defaults-extra-file name (a later file wins; the command line
// wins over both), reading sections for command cmd (optionFileSections). Keys are long option
// names, with "_" read as "-"; a key alone (no "=") is a boolean true; mydumper 0.10's
// `compress` without a value means gzip. A key sluice has no option for is logged and ignored,
// so that a mydumper or myloader file works unchanged. It returns the files' per-table sections,
// and an error naming the file, section and key whose value the flag refuses.
func applyOptionFiles(fs *pflag.FlagSet, cmd string, log *slog.Logger) ([]tableSection, error) {
	fromCommandLine := map[string]bool{}
	fs.Visit(func(f *pflag.Flag) { fromCommandLine[f.Name] = true })
	var tables []tableSection
	for _, flag := range []string{"defaults-file", "defaults-extra-file"} {
		f := fs.Lookup(flag)
		if f == nil || f.Value.String() == "" {
			continue
		}
		path := f.Value.String()
		file, err := ini.LoadSources(ini.LoadOptions{AllowBooleanKeys: true, SkipUnrecognizableLines: true, IgnoreInlineComment: true, ChildSectionDelimiter: "\x00"}, path)
		if err != nil {
			return nil, fmt.Errorf("--%s %s: %w", flag, path, err)
		}
		for _, want := range optionFileSections[cmd] {
			for _, s := range file.Sections() {
				if !strings.EqualFold(s.Name(), want) {
					continue
				}
				for _, k := range s.Keys() {
					if err := setFromFile(fs, fromCommandLine, k.Name(), k.String(), log, filepath.Base(path), s.Name()); err != nil {
						return nil, fmt.Errorf("--%s %s: [%s] %w", flag, path, s.Name(), err)
					}
				}
			}
		}
		for _, s := range file.Sections() {
			db, table, ok := strings.Cut(strings.Trim(s.Name(), "`"), "`.`")
			if !ok || !strings.HasPrefix(s.Name(), "`") {
				continue
			}
			ts := tableSection{db: db, table: table, keys: map[string]string{}}
			for _, k := range s.Keys() {
				ts.keys[strings.ToLower(strings.ReplaceAll(k.Name(), "-", "_"))] = unquote(k.String())
			}
			tables = append(tables, ts)
		}
	}
	return tables, nil
}

// setFromFile sets one flag from an option file's key unless the command line gave it.
func setFromFile(fs *pflag.FlagSet, fromCommandLine map[string]bool, key, val string, log *slog.Logger, file, section string) error {
	name := strings.ToLower(strings.ReplaceAll(key, "_", "-"))
	if name == "defaults-file" || name == "defaults-extra-file" || name == "help" {
		return nil
	}
	f := fs.Lookup(name)
	if f == nil {
		log.Warn("option file: sluice has no such option; ignored", "file", file, "section", section, "option", name)
		return nil
	}
	if fromCommandLine[name] {
		return nil
	}
	val = unquote(val)
	if f.Value.Type() == "bool" && val == "" {
		val = "true"
	}
	if name == "compress" && (val == "" || val == "1" || strings.EqualFold(val, "true")) {
		val = "gzip" // mydumper 0.10: --compress is a switch, and its files are gzip
	}
	if err := fs.Set(name, val); err != nil {
		return fmt.Errorf("%s = %q: %w", key, val, err)
	}
	return nil
}

// unquote removes one pair of surrounding single or double quotes, as the mysql client does for
// option file values.
func unquote(v string) string {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		return v[1 : len(v)-1]
	}
	return v
}
