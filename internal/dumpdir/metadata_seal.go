package dumpdir

import (
	"bytes"
	"fmt"
	"hash/crc32"
	"path/filepath"
	"strings"
)

// The metadata file is sealed: its first line says so and its last line is a comment holding
// the CRC-32C (Castagnoli) of every byte before that line, as "# crc32c 1a2b3c4d\n". A metadata
// file cut short (a copy that stopped, a disk that filled) or changed by a single byte is then
// refused as a whole, instead of being read as a smaller dump that looks complete: the data
// files carry their own CRC-32C in [files], but only the seal covers [files] itself, the table
// list and each table's row count. INI readers (myloader's GKeyFile among them) skip both
// comment lines. Metadata files without the sealed first line (older sluice, mydumper) are read
// without the check.
const (
	sealedHeader = "# sluice dump metadata, sealed by the CRC-32C on its last line; written last: a dump without it is incomplete\n"
	sealPrefix   = "# crc32c "
)

// seal appends to dst the seal line of body (which starts with sealedHeader).
func seal(dst, body []byte) []byte {
	return fmt.Appendf(dst, "%s%08x\n", sealPrefix, crc32.Checksum(body, castagnoli))
}

// checkSeal verifies raw, the content of the metadata file at path, against its seal. It
// returns an error naming path when a sealed file's last line is missing or does not match.
func checkSeal(path string, raw []byte) error {
	body, last := raw, []byte(nil)
	if len(raw) > 0 && raw[len(raw)-1] == '\n' {
		i := bytes.LastIndexByte(raw[:len(raw)-1], '\n') + 1
		body, last = raw[:i], raw[i:]
	}
	switch {
	case bytes.HasPrefix(last, []byte(sealPrefix)):
		if want := seal(nil, body); !bytes.Equal(last, want) {
			return fmt.Errorf("%s: its last line says %q, its content has %q: the metadata file is corrupt; take the dump again",
				path, bytes.TrimSpace(last), bytes.TrimSpace(want))
		}
		return nil
	case bytes.HasPrefix(raw, []byte(sealedHeader)):
		return fmt.Errorf("%s: no CRC-32C on its last line: the metadata file is truncated or corrupt; take the dump again", path)
	}
	return nil // not sealed: written by an older sluice or by mydumper
}

// checkFileNames refuses a metadata file that names a file outside the dump directory: every
// file it lists must be a plain name (no path separator, not "." or "..", no NUL byte), as
// package dumper writes them (EscapeName), so that a hostile dump cannot make the loader read
// or report other files.
func (m *Metadata) checkFileNames(path string) error {
	check := func(what, name string) error {
		if name == "" {
			return nil
		}
		if name == "." || name == ".." || strings.ContainsAny(name, "/\\\x00") || filepath.Base(name) != name {
			return fmt.Errorf("%s: %s %q is not a file name inside the dump directory: the metadata file is corrupt", path, what, name)
		}
		return nil
	}
	for _, d := range m.Databases {
		for _, n := range []string{d.SchemaFile, d.PostFile} {
			if err := check("database "+d.Name+" file", n); err != nil {
				return err
			}
		}
	}
	for _, t := range m.Tables {
		for _, n := range append([]string{t.SchemaFile, t.TriggersFile}, t.DataFiles...) {
			if err := check(t.Database+"."+t.Name+" file", n); err != nil {
				return err
			}
		}
	}
	if err := check("[accounts] file", m.AccountsFile); err != nil {
		return err
	}
	for n := range m.Files {
		if err := check("[files] entry", n); err != nil {
			return err
		}
	}
	return nil
}
