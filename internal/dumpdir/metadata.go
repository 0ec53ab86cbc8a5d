package dumpdir

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/ini.v1"
)

// FormatVersion is the version of the dump format this sluice writes, recorded in
// [sluice] format_version. The loader refuses dumps of a newer version. Version 1 kept sluice's
// keys in [config] (which myloader 1.0 parses as its own options) and wrote routines and
// triggers in DELIMITER blocks; version 2 writes them as mydumper does (StatementsMydumper).
const FormatVersion = 2

// Producers of a dump directory, in Metadata.Producer.
const (
	ProducerSluice   = "sluice"
	ProducerMydumper = "mydumper"
)

// How schema files split into statements, in Metadata.Statements.
const (
	// StatementsDelimiter: as the mysql client splits them, DELIMITER lines included
	// (sqlscript.Split); sluice format_version 1.
	StatementsDelimiter = "delimiter"
	// StatementsMydumper: a statement ends at a line ending with ";" (sqlscript.SplitLines);
	// mydumper's dumps, whose routines and triggers hold "; \n" where the source had ";\n".
	StatementsMydumper = "mydumper"
	// StatementsEncoded: as StatementsMydumper, with every statement written through
	// sqlscript.EncodeBody, so that DecodeBody gives back the exact text; sluice format_version 2.
	StatementsEncoded = "encoded"
)

// Object kinds recorded per table section.
const (
	KindTable    = "table"
	KindView     = "view"
	KindSequence = "sequence"
)

// Metadata is the content of a dump's metadata file: what was dumped, from where, and every
// file with its size and checksum. It is written last; a dump without it, or whose Finished is
// zero, is incomplete.
type Metadata struct {
	Producer      string // ProducerSluice or ProducerMydumper (not written: known from the layout)
	FormatVersion int    // sluice's format_version; 0 for a mydumper dump
	Statements    string // how schema files split: StatementsDelimiter, StatementsMydumper or StatementsEncoded
	// Checksums is false for a mydumper dump: Files then holds sizes but no CRC-32C, and
	// the loader cannot verify files.
	Checksums bool

	Started, Finished time.Time
	LockSeconds       float64     // how long the global read lock was held, in seconds
	Source            [][2]string // [source] keys: binlog coordinates and GTID set (package replication)
	ReplicaSource     [][2]string // [replica_source] keys, for a dump taken from a replica; may be nil
	Databases         []Database
	Tables            []Table             // tables, views and sequences
	Files             map[string]FileInfo // every file of the dump but metadata, by name
	AccountsFile      string              // [accounts] file: the accounts, roles and grants (package accounts); "" for none

	// Encrypted is set by ReadMetadata when the metadata file was encrypted (and so, as the
	// dumper writes them, every file of the dump); it is not a key of the file.
	Encrypted bool
}

// Database is one dumped database.
type Database struct {
	Name         string
	SchemaFile   string // CREATE DATABASE; "" with --no-schemas
	PostFile     string // routines and events; "" when there are none
	TriggersFile string // every table's triggers in one file (mydumper 0.11+); "" for sluice dumps
}

// Table is one dumped table, view or sequence.
//
// Data files contract (written by package dumper, read by package loader):
//   - Format "sql": each file starts with SET NAMES binary, FOREIGN_KEY_CHECKS=0 and
//     TIME_ZONE='+00:00', then one multi-row INSERT per line.
//   - Format "tsv": lines of tab-separated fields, no header, values as raw bytes in each
//     column's own character set, TIMESTAMPs in UTC. A file is loaded exactly by
//     `LOAD DATA [LOCAL] INFILE 'file' INTO TABLE `table` ` + LoadClause on a connection with
//     time_zone '+00:00' and a non-strict sql_mode (zero dates load). LoadClause is
//     `CHARACTER SET binary FIELDS TERMINATED BY '\t' ESCAPED BY '\\' LINES TERMINATED BY '\n'`
//     then the field list in parentheses (a quoted column name, or a user variable @sluice_N for
//     field N, 1-based) and, when a variable is used, ` SET col = expr, ...` with expr one of
//     CAST(@sluice_N AS UNSIGNED) (BIT, written in decimal; YEAR), UNHEX(@sluice_N) (spatial types,
//     written in hex) or CONVERT(@sluice_N USING utf8mb4) (MySQL JSON). \N is NULL; \\, \t,
//     \n, \r and \0 are escapes (MySQL manual, "LOAD DATA Statement").
//   - CharacterSet is "binary" for both: the bytes are the server's own, unconverted.
type Table struct {
	Database, Name string
	Kind           string   // KindTable, KindView or KindSequence
	SchemaFile     string   // CREATE TABLE / VIEW / SEQUENCE file; "" with --no-schemas
	TriggersFile   string   // "" when the table has no triggers
	DataFiles      []string // data file names in order
	Format         string   // "sql", "tsv" or FormatLoadData (mydumper's --format LOAD_DATA and CSV)
	Compression    string   // "", "zstd" or "gzip"
	Columns        []string // the dumped columns, in file order (generated columns excluded)
	Rows           int64    // rows written
	Bytes          int64    // bytes of data files on disk
	LoadClause     string   // tsv only: the LOAD DATA field/line clause the files were written for
	CharacterSet   string   // character set of the data files' text
	Checksum       string   // algorithm of Chunks' checksums (package checksum's Algorithm); "" when not checksummed
	Chunks         []Chunk  // with Checksum: every chunk the dumper read, together all the table's rows
	// Kept says, in the metadata a Pipe publishes only (never in a metadata file), that the
	// table's data was left out because the target already holds it, equal in the snapshot
	// (sluice copy --resume; dumper.Keeper): the load leaves the table as it is.
	Kept bool
}

// FormatLoadData is the Format of a table whose data files are mydumper's .sql files holding a
// LOAD DATA statement each, for the .dat file its quoted file name names (mydumper --format
// LOAD_DATA or CSV). The statement's FIELDS and LINES clauses say how the .dat file is written.
const FormatLoadData = "load_data"

// plainValue reports whether s can be an unquoted INI value for myloader (GKeyFile): no control
// characters, no surrounding spaces, no leading quote or '#'.
func plainValue(s string) bool {
	// A backslash is out too: ini (go-ini's and GKeyFile's) reads one at the end of a line as a
	// continuation, and GKeyFile reads escapes.
	if s == "" || strings.TrimSpace(s) != s || strings.ContainsAny(s[:1], "\"'#") || strings.ContainsRune(s, '\\') {
		return false
	}
	for _, c := range s {
		if c < ' ' || c == 0x7f {
			return false
		}
	}
	return true
}

func quote(s string) string { return strconv.Quote(s) }

// sectionName is the mydumper-style section header `db` or `db`.`table`. It is a label for
// people: the loader reads names from the quoted database and table keys, so every part is
// written as EscapeName writes file names (plain names are unchanged).
func sectionName(parts ...string) string {
	for i, p := range parts {
		parts[i] = "`" + EscapeName(p) + "`"
	}
	return strings.Join(parts, ".")
}

// Write writes the metadata file into the local directory dir atomically (see Save), in the INI layout myloader 1.0 reads:
// [config] holds only quote-character (myloader parses every [config] key as one of its command
// line options); sluice's own keys are in [sluice], which myloader skips; [source] holds the
// coordinates; each table's [`db`.`table`] section holds mydumper's real_table_name, rows and
// is_view / is_sequence next to sluice's keys (myloader ignores keys it does not know). Names
// inside sluice's values are Go-quoted. "# Started dump at:" and "# Finished dump at:" comments,
// in local time, are where mydumper 1.0 puts them, for scripts that look for them.
func (m *Metadata) Write(dir string) error {
	_, err := WriteFile(dir, MetadataName, m.encode())
	return err
}

// Save writes the metadata file into d: on disk atomically (written as metadata.partial, then
// renamed), in an object store as one object that exists only once whole. Call it last: its
// presence marks the dump complete.
func (m *Metadata) Save(ctx context.Context, d *Dir) error {
	_, err := d.WriteFile(ctx, MetadataName, m.encode())
	return err
}

// encode returns the metadata file's content, sealed (metadata_seal.go). Sections follow
// mydumper's INI layout: [config], [source], then one [`db`.`table`] section per table; names
// inside values are Go-quoted.
func (m *Metadata) encode() []byte {
	var b bytes.Buffer
	b.WriteString(sealedHeader)
	fmt.Fprintf(&b, "# Started dump at: %s\n", m.Started.Local().Format(time.DateTime))
	fmt.Fprintf(&b, "[config]\nquote-character = BACKTICK\n\n")
	fmt.Fprintf(&b, "[sluice]\nformat_version = %d\nstarted_at = %s\nfinished_at = %s\nlock_seconds = %.3f\n\n",
		FormatVersion, m.Started.UTC().Format(time.RFC3339Nano), m.Finished.UTC().Format(time.RFC3339Nano), m.LockSeconds)
	writeKV := func(section string, kv [][2]string) {
		if kv == nil {
			return
		}
		fmt.Fprintf(&b, "[%s]\n", section)
		for _, p := range kv {
			fmt.Fprintf(&b, "%s = %s\n", p[0], quote(p[1]))
		}
		b.WriteString("\n")
	}
	writeKV("source", m.Source)
	writeKV("replica_source", m.ReplicaSource)
	if m.AccountsFile != "" {
		fmt.Fprintf(&b, "[accounts]\nfile = %s\n\n", m.AccountsFile)
	}
	for _, d := range m.Databases {
		fmt.Fprintf(&b, "[%s]\nkind = database\ndatabase = %s\nschema_file = %s\npost_file = %s\n\n",
			sectionName(d.Name), quote(d.Name), d.SchemaFile, d.PostFile)
	}
	for _, t := range m.Tables {
		fmt.Fprintf(&b, "[%s]\n", sectionName(t.Database, t.Name))
		if plainValue(t.Name) {
			fmt.Fprintf(&b, "real_table_name = %s\n", t.Name)
		}
		fmt.Fprintf(&b, "rows = %d\n", t.Rows)
		switch t.Kind {
		case KindView:
			b.WriteString("is_view = 1\n")
		case KindSequence:
			b.WriteString("is_sequence = 1\n")
		}
		fmt.Fprintf(&b, "kind = %s\ndatabase = %s\ntable = %s\nschema_file = %s\ntriggers_file = %s\nbytes = %d\nformat = %s\ncompression = %s\ncharacter_set = %s\nload_clause = %s\n",
			t.Kind, quote(t.Database), quote(t.Name), t.SchemaFile, t.TriggersFile, t.Bytes,
			t.Format, t.Compression, t.CharacterSet, quote(t.LoadClause))
		cols := make([]string, len(t.Columns))
		for i, c := range t.Columns {
			cols[i] = quote(c)
		}
		fmt.Fprintf(&b, "columns = %s\ndata_files = %s\n", strings.Join(cols, " "), strings.Join(t.DataFiles, " "))
		writeChunks(&b, &t)
		b.WriteString("\n")
	}
	names := make([]string, 0, len(m.Files))
	for n := range m.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	b.WriteString("[files]\n")
	for _, n := range names {
		fi := m.Files[n]
		fmt.Fprintf(&b, "%s = %d %08x\n", n, fi.Size, fi.CRC32C)
	}
	fmt.Fprintf(&b, "# Finished dump at: %s\n", m.Finished.Local().Format(time.DateTime))
	return seal(b.Bytes(), b.Bytes())
}

// ReadMetadata reads the metadata file of the local directory dir (see Dir.ReadMetadata).
func ReadMetadata(dir string) (*Metadata, error) {
	return Local(dir).ReadMetadata(context.Background())
}

// ReadMetadata reads d's metadata file, decrypting it with d's identities (see Decrypt). It
// returns an error that says the dump is incomplete when the file is missing or has no finish
// time, one naming the key when a value is malformed, one wrapping ErrNeedIdentity for an
// encrypted dump without identities, one that says to give the right identity when none of
// d's opens it (before anything else of the dump is read), and for an object store the errors
// of Dir.ReadFile (a missing bucket, refused credentials). A clear-text dump is read as it is,
// identities or not; Metadata.Encrypted says which it was.
func (d *Dir) ReadMetadata(ctx context.Context) (*Metadata, error) {
	raw, err := d.ReadFile(ctx, MetadataName)
	if err != nil {
		if errors.Is(err, ErrNotExist) {
			return nil, fmt.Errorf("%s: no metadata file: the dump is incomplete or this is not a dump directory; take the dump again", d)
		}
		return nil, err
	}
	path := d.path(MetadataName)
	if IsEncrypted(raw) {
		// sluice encrypted the whole file: decrypt it before telling a sluice metadata file
		// from a mydumper one (mydumper never encrypts, so it can only be sluice's).
		if d.identities == nil {
			return nil, fmt.Errorf("%s: %w", d, ErrNeedIdentity)
		}
		if raw, err = d.plaintext(MetadataName, raw); err != nil {
			return nil, err
		}
		m, err := parseMetadata(path, raw)
		if err != nil {
			return nil, err
		}
		m.Encrypted = true
		return m, nil
	}
	if isMydumper010(raw) {
		return d.readMydumper(path, raw)
	}
	m, err := parseMetadata(path, raw)
	if errors.Is(err, errNotSluice) {
		return d.readMydumper(path, raw)
	}
	return m, err
}

// readMydumper reads a mydumper dump's metadata and file names (readMydumper). Only a local
// directory is read so: mydumper never wrote to object storage.
func (d *Dir) readMydumper(path string, raw []byte) (*Metadata, error) {
	if d.local == "" {
		return nil, fmt.Errorf("%s: a mydumper dump is loaded from a local directory only: copy it to local disk first", d)
	}
	return readMydumper(d.local, path, raw)
}

// errNotSluice is parseMetadata's error for an INI metadata file without sluice's
// format_version: mydumper 0.11+ wrote it (readMydumper).
var errNotSluice = errors.New("not a sluice metadata file")

// parseMetadata reads raw, the content of the metadata file at path, in sluice's layouts
// (format_version 1 and 2); errNotSluice when it has neither.
func parseMetadata(path string, raw []byte) (*Metadata, error) {
	if err := checkSeal(path, raw); err != nil {
		return nil, err
	}
	f, err := ini.LoadSources(ini.LoadOptions{IgnoreInlineComment: true, PreserveSurroundedQuote: true, KeyValueDelimiters: "=", ChildSectionDelimiter: "\x00"}, raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: the metadata file is corrupt", path, err)
	}
	p := parser{path: path}
	m := &Metadata{Producer: ProducerSluice, Checksums: true, Files: map[string]FileInfo{}}
	cfg := f.Section("sluice")
	switch {
	case f.Section("sluice").HasKey("format_version"):
		m.Statements = StatementsEncoded
	case f.Section("config").HasKey("format_version"):
		cfg = f.Section("config") // format_version 1
		m.Statements = StatementsDelimiter
	default:
		return nil, errNotSluice
	}
	m.FormatVersion = p.int(cfg, "format_version")
	if m.Statements == StatementsDelimiter && m.FormatVersion > 1 {
		return nil, fmt.Errorf("%s: [config] format_version %d: sluice wrote only version 1 there: the metadata file is corrupt", path, m.FormatVersion)
	}
	if m.FormatVersion > FormatVersion {
		return nil, fmt.Errorf("%s: format_version %d is newer than this sluice reads (%d): upgrade sluice", path, m.FormatVersion, FormatVersion)
	}
	m.Started = p.time(cfg, "started_at")
	m.Finished = p.time(cfg, "finished_at")
	m.LockSeconds, _ = strconv.ParseFloat(cfg.Key("lock_seconds").String(), 64)
	if m.Finished.IsZero() && p.err == nil {
		return nil, fmt.Errorf("%s: no finish time: the dump is incomplete; take the dump again", path)
	}
	for _, s := range f.Sections() {
		switch {
		case s.Name() == "source":
			m.Source = p.pairs(s)
		case s.Name() == "replica_source":
			m.ReplicaSource = p.pairs(s)
		case s.Name() == "accounts":
			m.AccountsFile = s.Key("file").String()
		case s.Name() == "files":
			for _, k := range s.Keys() {
				var fi FileInfo
				fi.Name = k.Name()
				if _, err := fmt.Sscanf(k.String(), "%d %x", &fi.Size, &fi.CRC32C); err != nil && p.err == nil {
					p.err = fmt.Errorf("%s: [files] %s: %q: %w", path, k.Name(), k.String(), err)
				}
				m.Files[fi.Name] = fi
			}
		case s.Name() == ini.DefaultSection || s.Name() == "config" || s.Name() == "sluice" || !s.HasKey("kind"):
		case s.Key("kind").String() == "database":
			m.Databases = append(m.Databases, Database{Name: p.str(s, "database"), SchemaFile: s.Key("schema_file").String(), PostFile: s.Key("post_file").String()})
		default:
			t := Table{
				Kind: s.Key("kind").String(), Database: p.str(s, "database"), Name: p.str(s, "table"),
				SchemaFile: s.Key("schema_file").String(), TriggersFile: s.Key("triggers_file").String(),
				Rows: int64(p.int(s, "rows")), Bytes: int64(p.int(s, "bytes")),
				Format: s.Key("format").String(), Compression: s.Key("compression").String(),
				CharacterSet: s.Key("character_set").String(), LoadClause: p.str(s, "load_clause"),
				DataFiles: strings.Fields(s.Key("data_files").String()),
			}
			t.Columns = p.quotedList(s, "columns")
			p.readChunks(s, &t)
			m.Tables = append(m.Tables, t)
		}
	}
	if p.err != nil {
		return nil, p.err
	}
	if err := m.checkUnique(path); err != nil {
		return nil, err
	}
	if err := m.checkFileNames(path); err != nil {
		return nil, err
	}
	return m, nil
}

// checkUnique refuses a metadata file that lists one database, or one table of a database,
// twice: a dump writes each once, so a repeat is a damaged or hand-edited file.
func (m *Metadata) checkUnique(path string) error {
	dbs := map[string]bool{}
	for _, d := range m.Databases {
		if dbs[d.Name] {
			return fmt.Errorf("%s: database %q listed twice: the metadata file is corrupt", path, d.Name)
		}
		dbs[d.Name] = true
	}
	tables := map[[2]string]bool{}
	for _, t := range m.Tables {
		k := [2]string{t.Database, t.Name}
		if tables[k] {
			return fmt.Errorf("%s: table %q.%q listed twice: the metadata file is corrupt", path, t.Database, t.Name)
		}
		tables[k] = true
	}
	return nil
}

type parser struct {
	path string
	err  error
}

func (p *parser) fail(s *ini.Section, key string, err error) {
	if p.err == nil {
		p.err = fmt.Errorf("%s: [%s] %s: %w: the metadata file is corrupt", p.path, s.Name(), key, err)
	}
}

func (p *parser) str(s *ini.Section, key string) string {
	v, err := strconv.Unquote(s.Key(key).String())
	if err != nil {
		p.fail(s, key, err)
	}
	return v
}

func (p *parser) int(s *ini.Section, key string) int {
	v, err := strconv.Atoi(s.Key(key).String())
	if err != nil {
		p.fail(s, key, err)
	}
	return v
}

func (p *parser) time(s *ini.Section, key string) time.Time {
	v := s.Key(key).String()
	if v == "" || strings.HasPrefix(v, "0001-01-01") {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		p.fail(s, key, err)
	}
	return t
}

func (p *parser) pairs(s *ini.Section) [][2]string {
	var kv [][2]string
	for _, k := range s.Keys() {
		kv = append(kv, [2]string{k.Name(), p.str(s, k.Name())})
	}
	return kv
}

func (p *parser) quotedList(s *ini.Section, key string) []string {
	rest := strings.TrimSpace(s.Key(key).String())
	var out []string
	for rest != "" {
		q, err := strconv.QuotedPrefix(rest)
		if err != nil {
			p.fail(s, key, err)
			return nil
		}
		v, _ := strconv.Unquote(q)
		out = append(out, v)
		rest = strings.TrimSpace(rest[len(q):])
	}
	return out
}

// Map returns kv as a map, for package replication's *FromMetadata functions.
func Map(kv [][2]string) map[string]string {
	m := make(map[string]string, len(kv))
	for _, p := range kv {
		m[p[0]] = p[1]
	}
	return m
}
