package dumpdir

import (
	"fmt"
	"strings"
)

// MetadataName is the name of the metadata file, written last; its presence with a finish time
// marks a complete dump (mydumper convention).
const MetadataName = "metadata"

// EscapeName makes a database or table name safe as part of a file name: ASCII letters, digits,
// '_', '-' and '$' stay, every other byte (dots, spaces, slashes, non-ASCII) becomes %XX. Plain
// names therefore give exactly mydumper's file names. The loader never parses file names back:
// it takes every name from the metadata file.
func EscapeName(name string) string {
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '-', c == '$':
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// DatabaseSchemaFile is "db-schema-create.sql": CREATE DATABASE (mydumper naming).
func DatabaseSchemaFile(db string) string { return EscapeName(db) + "-schema-create.sql" }

// DatabasePostFile is "db-schema-post.sql": routines and events (mydumper naming).
func DatabasePostFile(db string) string { return EscapeName(db) + "-schema-post.sql" }

// TableSchemaFile is "db.table-schema.sql": CREATE TABLE (mydumper naming).
func TableSchemaFile(db, table string) string {
	return EscapeName(db) + "." + EscapeName(table) + "-schema.sql"
}

// ViewSchemaFile is "db.view-schema-view.sql": CREATE VIEW (mydumper naming).
func ViewSchemaFile(db, view string) string {
	return EscapeName(db) + "." + EscapeName(view) + "-schema-view.sql"
}

// SequenceSchemaFile is "db.seq-schema-sequence.sql": CREATE SEQUENCE and its SETVAL (mydumper
// 0.12+ naming).
func SequenceSchemaFile(db, seq string) string {
	return EscapeName(db) + "." + EscapeName(seq) + "-schema-sequence.sql"
}

// TriggersFile is "db.table-schema-triggers.sql": the table's triggers (mydumper naming).
func TriggersFile(db, table string) string {
	return EscapeName(db) + "." + EscapeName(table) + "-schema-triggers.sql"
}

// DataFile is "db.table.NNNNN.EXT" (mydumper naming), where n is the file's number within the table
// and ext is "sql" or "tsv" plus the compression suffix (".zst", ".gz") if any.
func DataFile(db, table string, n int, ext string) string {
	return fmt.Sprintf("%s.%s.%05d.%s", EscapeName(db), EscapeName(table), n, ext)
}
