package dumpdir

import (
	"bytes"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

// A directory mydumper wrote has a metadata file in one of two layouts, and the same file
// names as sluice's (names.go):
//
//   - 0.9 and 0.10: plain text, "Started dump at: ...", a "SHOW MASTER STATUS:" block of
//     tab-indented "Log: ", "Pos: " and "GTID:" lines (and "SHOW SLAVE STATUS:" with "Host: "
//     on a replica), then "Finished dump at: ..." once the dump is complete.
//   - 0.11 to 1.0: INI, "# Started dump at:" and "# Finished dump at:" comments, [config] and
//     [myloader_session_variables] (myloader's options and session), [source] or [master] with
//     the coordinates (mydumper 1.0 writes them as comments unless asked to run CHANGE SOURCE),
//     [replication] on a replica, and one [`db`.`table`] section per table with
//     real_table_name, rows, is_view and is_sequence.
//
// Which tables there are, and their files, come from the directory listing: db-schema-create.sql,
// db-schema-post.sql, db-schema-triggers.sql (0.11+), db.t-schema.sql, db.t-schema-view.sql,
// db.t-schema-sequence.sql, db.t-schema-triggers.sql (0.10), and data files db.t.sql,
// db.t.00000.sql or db.t.00000.00001.sql, each with .gz or .zst when compressed. A data .sql file
// beside a .dat file of the same name holds the LOAD DATA statement for it (--format LOAD_DATA
// or CSV). mydumper records no file checksums: Checksums is false.

// isMydumper010 reports whether raw is a mydumper 0.9/0.10 plain-text metadata file.
func isMydumper010(raw []byte) bool {
	return bytes.HasPrefix(bytes.TrimSpace(raw), []byte("Started dump at:"))
}

// mydumperTime parses mydumper's "2006-01-02 15:04:05" local time.
func mydumperTime(s string) time.Time {
	t, err := time.ParseInLocation(time.DateTime, strings.TrimSpace(s), time.Local)
	if err != nil {
		return time.Time{}
	}
	return t
}

// sourceKeys maps mydumper's coordinate key names (all versions, lower case) to those of
// sluice's [source] section (replication.Coordinates.MetadataKeys).
var sourceKeys = map[string]string{
	"log": "File", "file": "File", "source_log_file": "File", "master_log_file": "File",
	"pos": "Position", "position": "Position", "source_log_pos": "Position", "master_log_pos": "Position",
	"gtid": "Executed_Gtid_Set", "executed_gtid_set": "Executed_Gtid_Set",
	"host": "Host", "source_host": "Host", "master_host": "Host",
	"port": "Port", "source_port": "Port", "master_port": "Port",
}

// addSourceKey adds a coordinate to kv under sluice's name, ignoring keys with no equivalent.
func addSourceKey(kv [][2]string, key, val string) [][2]string {
	name, ok := sourceKeys[strings.ToLower(strings.TrimSpace(key))]
	if !ok {
		return kv
	}
	val = strings.TrimSpace(val)
	if u, err := strconv.Unquote(val); err == nil {
		val = u
	} else {
		val = strings.Trim(val, "'")
	}
	for _, p := range kv {
		if p[0] == name {
			return kv
		}
	}
	return append(kv, [2]string{name, val})
}

// mydumperTableInfo is what a mydumper 1.0 [`db`.`t`] section says about a table.
type mydumperTableInfo struct {
	realName string
	rows     int64
}

// readMydumper builds the Metadata of a mydumper dump in dir from its metadata file (raw, at
// path) and its file names. It fails when the dump has no finish time (incomplete).
func readMydumper(dir, path string, raw []byte) (*Metadata, error) {
	m := &Metadata{Producer: ProducerMydumper, Statements: StatementsMydumper, Files: map[string]FileInfo{}}
	tables := map[[2]string]mydumperTableInfo{}
	section := ""
	for _, line := range strings.Split(string(raw), "\n") {
		t := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(t, "Started dump at:"), strings.HasPrefix(t, "# Started dump at:"):
			m.Started = mydumperTime(t[strings.Index(t, ":")+1:])
			continue
		case strings.HasPrefix(t, "Finished dump at:"), strings.HasPrefix(t, "# Finished dump at:"):
			m.Finished = mydumperTime(t[strings.Index(t, ":")+1:])
			continue
		case t == "SHOW MASTER STATUS:":
			section = "source"
			continue
		case t == "SHOW SLAVE STATUS:":
			section = "replication"
			continue
		case strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]"):
			section = t[1 : len(t)-1]
			continue
		}
		low := strings.ToLower(section)
		switch {
		case low == "source" || low == "master" || strings.HasPrefix(low, "source.") || strings.HasPrefix(low, "master."):
			if k, v, ok := mydumperKV(t); ok {
				m.Source = addSourceKey(m.Source, k, v)
			}
		case strings.HasPrefix(low, "replication"):
			if k, v, ok := mydumperKV(t); ok {
				m.ReplicaSource = addSourceKey(m.ReplicaSource, k, v)
			}
		case strings.HasPrefix(section, "`") && !strings.HasPrefix(t, "#"):
			db, tbl, ok := strings.Cut(strings.Trim(section, "`"), "`.`")
			k, v, okKV := strings.Cut(t, "=")
			if !ok || !okKV {
				continue
			}
			info := tables[[2]string{db, tbl}]
			switch strings.TrimSpace(k) {
			case "real_table_name":
				info.realName = strings.TrimSpace(v)
			case "rows":
				info.rows, _ = strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			}
			tables[[2]string{db, tbl}] = info
		}
	}
	if m.Finished.IsZero() {
		return nil, fmt.Errorf("%s: no \"Finished dump at\" line: the mydumper dump is incomplete; take the dump again", path)
	}
	if err := m.listMydumperFiles(dir, tables); err != nil {
		return nil, err
	}
	return m, nil
}

// mydumperKV reads "key = value" or "key: value" from a metadata line, also when it is commented
// out with "#" (mydumper 1.0 writes its coordinates so).
func mydumperKV(line string) (key, val string, ok bool) {
	line = strings.TrimSpace(strings.TrimPrefix(line, "#"))
	i := strings.IndexAny(line, "=:")
	if i <= 0 {
		return "", "", false
	}
	return line[:i], line[i+1:], true
}

// mydumperFile is one file of a mydumper dump, its name cut into parts.
type mydumperFile struct {
	name        string // as in the directory
	base        string // name without the compression suffix
	compression string
	size        int64
}

// listMydumperFiles fills m's Files, Databases and Tables from dir's file names; tables holds the
// metadata's per-table sections, by database and file-name table.
func (m *Metadata) listMydumperFiles(dir string, tables map[[2]string]mydumperTableInfo) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var files []mydumperFile
	dat := map[string]bool{} // .dat bases without ".dat"
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		f := mydumperFile{name: e.Name(), base: e.Name(), size: info.Size()}
		if b, ok := strings.CutSuffix(f.base, ".gz"); ok {
			f.base, f.compression = b, CompressGzip
		} else if b, ok := strings.CutSuffix(f.base, ".zst"); ok {
			f.base, f.compression = b, CompressZstd
		}
		m.Files[f.name] = FileInfo{Name: f.name, Size: f.size}
		if b, ok := strings.CutSuffix(f.base, ".dat"); ok {
			dat[b] = true
		}
		files = append(files, f)
	}
	dbs := map[string]*Database{}
	var dbOrder []string
	addDB := func(name string) *Database {
		if d, ok := dbs[name]; ok {
			return d
		}
		dbs[name] = &Database{Name: name}
		dbOrder = append(dbOrder, name)
		return dbs[name]
	}
	for _, f := range files {
		if db, ok := strings.CutSuffix(f.base, "-schema-create.sql"); ok {
			addDB(db).SchemaFile = f.name
		}
	}
	// splitName cuts "db.table" at the longest known database name, else at the first dot.
	splitName := func(s string) (string, string, bool) {
		best := ""
		for db := range dbs {
			if strings.HasPrefix(s, db+".") && len(db) > len(best) {
				best = db
			}
		}
		if best != "" {
			return best, s[len(best)+1:], true
		}
		return strings.Cut(s, ".")
	}
	type tableFiles struct {
		t      Table
		view   string // -schema-view file
		chunks map[string][2]int
	}
	byName := map[[2]string]*tableFiles{}
	var order [][2]string
	get := func(db, tbl string) *tableFiles {
		k := [2]string{db, tbl}
		if tf, ok := byName[k]; ok {
			return tf
		}
		addDB(db)
		name := tbl
		if info, ok := tables[k]; ok && info.realName != "" {
			name = info.realName
		}
		tf := &tableFiles{t: Table{Database: db, Name: name, Kind: KindTable, Format: "sql", CharacterSet: "binary", Rows: tables[k].rows},
			chunks: map[string][2]int{}}
		byName[k] = tf
		order = append(order, k)
		return tf
	}
	for _, f := range files {
		for _, kind := range []string{"-schema-post.sql", "-schema-triggers.sql", "-schema-view.sql", "-schema-sequence.sql", "-schema.sql"} {
			obj, ok := strings.CutSuffix(f.base, kind)
			if !ok {
				continue
			}
			if _, isDB := dbs[obj]; isDB && (kind == "-schema-post.sql" || kind == "-schema-triggers.sql") {
				if kind == "-schema-post.sql" {
					dbs[obj].PostFile = f.name
				} else {
					dbs[obj].TriggersFile = f.name
				}
				break
			}
			db, tbl, ok := splitName(obj)
			if !ok {
				break
			}
			tf := get(db, tbl)
			switch kind {
			case "-schema-triggers.sql":
				tf.t.TriggersFile = f.name
			case "-schema-view.sql":
				tf.view = f.name
			case "-schema-sequence.sql":
				tf.t.Kind, tf.t.SchemaFile = KindSequence, f.name
			case "-schema.sql":
				if tf.t.Kind == KindTable {
					tf.t.SchemaFile = f.name
				}
			}
			break
		}
		if strings.Contains(f.base, "-schema") || !strings.HasSuffix(f.base, ".sql") {
			continue
		}
		// A data file: db.t.sql, db.t.00000.sql or db.t.00000.00001.sql.
		stem := strings.TrimSuffix(f.base, ".sql")
		var nums [2]int
		var parts []string
		for len(parts) < 2 {
			i := strings.LastIndexByte(stem, '.')
			if i < 0 {
				break
			}
			if _, err := strconv.Atoi(stem[i+1:]); err != nil || len(stem)-i-1 < 5 {
				break
			}
			parts = append([]string{stem[i+1:]}, parts...)
			stem = stem[:i]
		}
		for i, p := range parts {
			nums[i], _ = strconv.Atoi(p)
		}
		db, tbl, ok := splitName(stem)
		if !ok {
			continue
		}
		tf := get(db, tbl)
		tf.t.DataFiles = append(tf.t.DataFiles, f.name)
		tf.chunks[f.name] = nums
		tf.t.Compression = f.compression
		tf.t.Bytes += f.size
		if dat[strings.TrimSuffix(f.base, ".sql")] {
			tf.t.Format = FormatLoadData
			for _, suffix := range []string{"", ".gz", ".zst"} {
				if fi, ok := m.Files[strings.TrimSuffix(f.base, ".sql")+".dat"+suffix]; ok {
					tf.t.Bytes += fi.Size
				}
			}
		}
	}
	for _, name := range dbOrder {
		m.Databases = append(m.Databases, *dbs[name])
	}
	for _, k := range order {
		tf := byName[k]
		if tf.view != "" {
			tf.t.Kind, tf.t.SchemaFile, tf.t.DataFiles = KindView, tf.view, nil
		}
		sort.Slice(tf.t.DataFiles, func(i, j int) bool {
			a, b := tf.chunks[tf.t.DataFiles[i]], tf.chunks[tf.t.DataFiles[j]]
			if a[0] != b[0] {
				return a[0] < b[0]
			}
			return a[1] < b[1]
		})
		m.Tables = append(m.Tables, tf.t)
	}
	return nil
}

// CompressionOf returns the compression a file name's suffix says: CompressGzip for ".gz",
// CompressZstd for ".zst", else CompressNone.
func CompressionOf(name string) string {
	switch {
	case strings.HasSuffix(name, ".gz"):
		return CompressGzip
	case strings.HasSuffix(name, ".zst"):
		return CompressZstd
	}
	return CompressNone
}
