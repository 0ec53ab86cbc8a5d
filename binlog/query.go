package binlog

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// queryEvent is a Query event with the session context the statement ran in (MariaDB KB,
// "Query_event": status variables).
type queryEvent struct {
	DB, Query string
	// Context are SET statements restoring the source session's context, in order.
	Context []string
}

// Bits of Q_FLAGS2_CODE (sql_priv.h OPTION_*).
const (
	optAutoIsNull            = 1 << 14
	optNotAutocommit         = 1 << 19
	optNoForeignKeyChecks    = 1 << 26
	optRelaxedUniqueChecks   = 1 << 27
	queryPostHeaderLen       = 13
	statusFlags2             = 0
	statusSQLMode            = 1
	statusCatalog            = 2
	statusAutoIncrement      = 3
	statusCharset            = 4
	statusTimeZone           = 5
	statusCatalogNZ          = 6
	statusLCTimeNames        = 7
	statusCharsetDatabase    = 8
	statusTableMapForUpdate  = 9
	statusMasterDataWritten  = 10
	statusInvoker            = 11
	statusUpdatedDBNames     = 12
	statusMicroseconds       = 13
	statusMySQLExplicitTS    = 16 // MySQL 8: explicit_defaults_for_timestamp, 1 byte
	statusMySQLDDLXID        = 17 // MySQL 8: the DDL's XID, 8 bytes
	statusMySQLUTF8MB4Coll   = 18 // MySQL 8: default_collation_for_utf8mb4, 2 bytes
	statusMySQLRequirePK     = 19 // MySQL 8: sql_require_primary_key, 1 byte
	statusMySQLTableEncrypt  = 20 // MySQL 8: default_table_encryption, 1 byte
	statusMariaHRNow         = 128
	statusMariaXID           = 129
	statusMariaGTIDFlags3    = 130
	statusMariaCharsetCollat = 131
)

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// parseQuery parses a Query event into its database, statement and context.
func parseQuery(ev []byte, h header) (queryEvent, error) {
	var q queryEvent
	b := body(ev)
	if len(b) < queryPostHeaderLen {
		return q, fmt.Errorf("query event at %d: short body", h.LogPos)
	}
	dbLen := int(b[8])
	varsLen := int(binary.LittleEndian.Uint16(b[11:]))
	b = b[queryPostHeaderLen:]
	if len(b) < varsLen+dbLen+1 {
		return q, fmt.Errorf("query event at %d: short body", h.LogPos)
	}
	vars := b[:varsLen]
	q.DB = string(b[varsLen : varsLen+dbLen])
	q.Query = string(b[varsLen+dbLen+1:])
	usec := -1
	short := fmt.Errorf("query event at %d: truncated status variables", h.LogPos)
	need := func(n int) bool { return len(vars) >= n }
	for len(vars) > 0 {
		code := vars[0]
		vars = vars[1:]
		switch code {
		case statusFlags2:
			if !need(4) {
				return q, short
			}
			f := binary.LittleEndian.Uint32(vars)
			q.Context = append(q.Context, fmt.Sprintf("SET @@session.foreign_key_checks=%d, @@session.sql_auto_is_null=%d, @@session.unique_checks=%d, @@session.autocommit=%d",
				b2i(f&optNoForeignKeyChecks == 0), b2i(f&optAutoIsNull != 0), b2i(f&optRelaxedUniqueChecks == 0), b2i(f&optNotAutocommit == 0)))
			vars = vars[4:]
		case statusSQLMode:
			if !need(8) {
				return q, short
			}
			q.Context = append(q.Context, fmt.Sprintf("SET @@session.sql_mode=%d", binary.LittleEndian.Uint64(vars)))
			vars = vars[8:]
		case statusCatalog:
			if !need(1) || !need(int(vars[0])+2) {
				return q, short
			}
			vars = vars[int(vars[0])+2:]
		case statusAutoIncrement:
			if !need(4) {
				return q, short
			}
			q.Context = append(q.Context, fmt.Sprintf("SET @@session.auto_increment_increment=%d, @@session.auto_increment_offset=%d",
				binary.LittleEndian.Uint16(vars), binary.LittleEndian.Uint16(vars[2:])))
			vars = vars[4:]
		case statusCharset:
			if !need(6) {
				return q, short
			}
			q.Context = append(q.Context, fmt.Sprintf("SET @@session.character_set_client=%d, @@session.collation_connection=%d, @@session.collation_server=%d",
				binary.LittleEndian.Uint16(vars), binary.LittleEndian.Uint16(vars[2:]), binary.LittleEndian.Uint16(vars[4:])))
			vars = vars[6:]
		case statusTimeZone:
			if !need(1) || !need(int(vars[0])+1) {
				return q, short
			}
			tz := string(vars[1 : 1+int(vars[0])])
			q.Context = append(q.Context, "SET @@session.time_zone='"+strings.ReplaceAll(tz, "'", "''")+"'")
			vars = vars[1+int(vars[0]):]
		case statusCatalogNZ:
			if !need(1) || !need(int(vars[0])+1) {
				return q, short
			}
			vars = vars[1+int(vars[0]):]
		case statusLCTimeNames:
			if !need(2) {
				return q, short
			}
			q.Context = append(q.Context, fmt.Sprintf("SET @@session.lc_time_names=%d", binary.LittleEndian.Uint16(vars)))
			vars = vars[2:]
		case statusCharsetDatabase:
			if !need(2) {
				return q, short
			}
			if n := binary.LittleEndian.Uint16(vars); n != 0 {
				q.Context = append(q.Context, fmt.Sprintf("SET @@session.collation_database=%d", n))
			}
			vars = vars[2:]
		case statusTableMapForUpdate:
			if !need(8) {
				return q, short
			}
			vars = vars[8:]
		case statusMasterDataWritten:
			if !need(4) {
				return q, short
			}
			vars = vars[4:]
		case statusInvoker:
			for range 2 {
				if !need(1) || !need(int(vars[0])+1) {
					return q, short
				}
				vars = vars[1+int(vars[0]):]
			}
		case statusUpdatedDBNames:
			if !need(1) {
				return q, short
			}
			n := int(vars[0])
			vars = vars[1:]
			if n == 254 {
				n = 0 // OVER_MAX_DBS_IN_EVENT_MTS: no names follow
			}
			for range n {
				i := strings.IndexByte(string(vars), 0)
				if i < 0 {
					return q, short
				}
				vars = vars[i+1:]
			}
		case statusMicroseconds, statusMariaHRNow:
			if !need(3) {
				return q, short
			}
			usec = int(vars[0]) | int(vars[1])<<8 | int(vars[2])<<16
			vars = vars[3:]
		case statusMySQLExplicitTS, statusMySQLRequirePK, statusMySQLTableEncrypt:
			if !need(1) {
				return q, short
			}
			name := map[byte]string{statusMySQLExplicitTS: "explicit_defaults_for_timestamp", statusMySQLRequirePK: "sql_require_primary_key",
				statusMySQLTableEncrypt: "default_table_encryption"}[code]
			q.Context = append(q.Context, fmt.Sprintf("SET @@session.%s=%d", name, vars[0]))
			vars = vars[1:]
		case statusMySQLDDLXID:
			if !need(8) {
				return q, short
			}
			vars = vars[8:]
		case statusMySQLUTF8MB4Coll:
			if !need(2) {
				return q, short
			}
			q.Context = append(q.Context, fmt.Sprintf("SET @@session.default_collation_for_utf8mb4=%d", binary.LittleEndian.Uint16(vars)))
			vars = vars[2:]
		case statusMariaXID:
			if !need(8) {
				return q, short
			}
			vars = vars[8:]
		case statusMariaGTIDFlags3:
			if !need(1) {
				return q, short
			}
			vars = vars[1:]
		default:
			return q, fmt.Errorf("query event at %d: unknown status variable %d (a newer server than this sluice knows)", h.LogPos, code)
		}
	}
	ts := fmt.Sprintf("SET TIMESTAMP=%d", h.Timestamp)
	if usec >= 0 {
		ts += fmt.Sprintf(".%06d", usec)
	}
	q.Context = append([]string{ts}, q.Context...)
	return q, nil
}
