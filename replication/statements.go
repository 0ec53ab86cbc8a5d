package replication

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Target is the server to attach as a replica: its flavour and @@version, from which the
// statement dialect is chosen.
type Target struct {
	Flavor  Flavor
	Version string // @@version of the target, e.g. "8.0.36" or "10.11.6-MariaDB"
}

// Replication modes of SetupOptions.Mode.
const (
	ModeGTID   = "gtid"   // position by GTID set (MASTER_USE_GTID=slave_pos / SOURCE_AUTO_POSITION=1)
	ModeBinlog = "binlog" // position by binlog file and byte offset
)

// SetupOptions say how the replica connects to its source.
type SetupOptions struct {
	SourceHost string // host the replica connects to; required
	SourcePort int    // TCP port; 0 means 3306
	User       string // replication user on the source (needs REPLICATION SLAVE); required
	Password   string // its password; never logged: see RedactedStatements
	Mode       string // ModeGTID (default when "") or ModeBinlog
	Channel    string // MariaDB connection name / MySQL channel; "" is the default one
	SSL        bool   // require TLS (MASTER_SSL=1 / SOURCE_SSL=1)
	SSLCA      string // CA file on the replica's host for verifying the source; "" for none
}

// Password stand-ins used by RedactedStatements.
const (
	RedactedPassword    = "***"
	PlaceholderPassword = "<password>"
)

// dialect is the statement family a target version accepts.
type dialect int

const (
	mariadbDialect dialect = iota // CHANGE MASTER, START SLAVE, connection names
	mysqlLegacy                   // MySQL < 8.0.23: CHANGE MASTER, START SLAVE, FOR CHANNEL
	mysqlSource                   // MySQL >= 8.0.23: CHANGE REPLICATION SOURCE, START REPLICA
)

// SetupStatements returns the statements that make target t a replica of the source whose
// dump coordinates are c, in order, ready to execute one by one:
//
// MariaDB (10.x, 11.x; MariaDB KB "CHANGE MASTER TO", "GTID"):
//
//	STOP SLAVE ['conn']
//	SET GLOBAL gtid_slave_pos = '<c.GTIDSet>'                      (gtid mode only)
//	CHANGE MASTER ['conn'] TO MASTER_HOST=..., MASTER_PORT=..., MASTER_USER=..., MASTER_PASSWORD=...,
//	  [MASTER_SSL=1, MASTER_SSL_CA=...,] MASTER_USE_GTID=slave_pos
//	  | MASTER_LOG_FILE=..., MASTER_LOG_POS=..., MASTER_USE_GTID=no (binlog mode)
//	START SLAVE ['conn']
//
// MySQL < 8.0.23 (5.7, early 8.0): STOP SLAVE; in gtid mode RESET MASTER and SET GLOBAL
// gtid_purged = '<c.GTIDSet>' (gtid_purged can only be set on an empty gtid_executed in 5.7;
// this discards the target's own binary logs); CHANGE MASTER TO ... MASTER_AUTO_POSITION=1 (or
// MASTER_LOG_FILE/MASTER_LOG_POS and MASTER_AUTO_POSITION=0) [FOR CHANNEL '...']; START SLAVE.
// MySQL >= 8.0.23: the same with STOP/START REPLICA and CHANGE REPLICATION SOURCE TO SOURCE_...;
// from 8.2, RESET BINARY LOGS AND GTIDS replaces RESET MASTER (removed in 8.4). On MySQL 8.x
// without SSL, GET_SOURCE_PUBLIC_KEY=1 (GET_MASTER_PUBLIC_KEY=1 before 8.0.23) lets a
// caching_sha2_password replication user authenticate (MySQL manual 19.1.2.3).
//
// With a named connection or channel that does not exist yet, the first statement (STOP)
// fails with "no master connection" / "channel does not exist": Setup ignores that, and so may
// a person running the statements by hand.
//
// String literals are quoted with ” for a quote and \\ for a backslash (the default sql_mode,
// without NO_BACKSLASH_ESCAPES). The statements carry o.Password in clear: print
// RedactedStatements instead. Errors: a flavour mismatch between t and c, a missing host or
// user, an unknown mode, gtid mode without a GTID set in the dump (use --replication-mode binlog), binlog
// mode without a binlog file (binary logging was off on the source), an unparsable version.
func SetupStatements(t Target, c Coordinates, o SetupOptions) ([]string, error) {
	d, err := targetDialect(t, c)
	if err != nil {
		return nil, err
	}
	mode := o.Mode
	if mode == "" {
		mode = ModeGTID
	}
	switch {
	case o.SourceHost == "":
		return nil, errors.New("replication setup: no source host: give --replicate-from HOST[:PORT]")
	case o.User == "":
		return nil, errors.New("replication setup: no replication user: give --replication-user")
	case mode != ModeGTID && mode != ModeBinlog:
		return nil, fmt.Errorf("replication setup: mode %q: want %q or %q", mode, ModeGTID, ModeBinlog)
	case mode == ModeGTID && c.GTIDSet == "":
		return nil, errors.New("replication setup: the dump has no GTID set (GTIDs were off on the source): use --replication-mode binlog")
	case mode == ModeBinlog && c.File == "":
		return nil, errors.New("replication setup: the dump has no binlog file (binary logging was off on the source): use --replication-mode gtid")
	}
	port := o.SourcePort
	if port == 0 {
		port = 3306
	}
	v, _ := ParseVersion(t.Version) // checked by targetDialect

	// Words that differ by dialect.
	kw := "MASTER_"
	stop, start, change := "STOP SLAVE", "START SLAVE", "CHANGE MASTER TO"
	conn, channel := "", ""
	if o.Channel != "" {
		if d == mariadbDialect {
			conn = " " + quote(o.Channel)
		} else {
			channel = " FOR CHANNEL " + quote(o.Channel)
		}
	}
	if d == mariadbDialect && conn != "" {
		change = "CHANGE MASTER" + conn + " TO"
	}
	if d == mysqlSource {
		kw = "SOURCE_"
		stop, start, change = "STOP REPLICA", "START REPLICA", "CHANGE REPLICATION SOURCE TO"
	}

	opts := []string{
		kw + "HOST=" + quote(o.SourceHost),
		kw + "PORT=" + strconv.Itoa(port),
		kw + "USER=" + quote(o.User),
		kw + "PASSWORD=" + quote(o.Password),
	}
	if o.SSL {
		opts = append(opts, kw+"SSL=1")
		if o.SSLCA != "" {
			opts = append(opts, kw+"SSL_CA="+quote(o.SSLCA))
		}
	} else if d != mariadbDialect && v.Major >= 8 {
		opts = append(opts, "GET_"+kw+"PUBLIC_KEY=1")
	}
	if mode == ModeBinlog {
		opts = append(opts,
			kw+"LOG_FILE="+quote(c.File),
			kw+"LOG_POS="+strconv.FormatUint(c.Position, 10))
	}
	switch {
	case d == mariadbDialect && mode == ModeGTID:
		opts = append(opts, "MASTER_USE_GTID=slave_pos")
	case d == mariadbDialect:
		opts = append(opts, "MASTER_USE_GTID=no")
	case mode == ModeGTID:
		opts = append(opts, kw+"AUTO_POSITION=1")
	default:
		opts = append(opts, kw+"AUTO_POSITION=0")
	}

	stmts := []string{stop + conn + channel}
	if mode == ModeGTID {
		if d == mariadbDialect {
			stmts = append(stmts, "SET GLOBAL gtid_slave_pos = "+quote(c.GTIDSet))
		} else {
			reset := "RESET MASTER"
			if v.AtLeast(8, 2, 0) {
				reset = "RESET BINARY LOGS AND GTIDS"
			}
			stmts = append(stmts, reset, "SET GLOBAL gtid_purged = "+quote(c.GTIDSet))
		}
	}
	stmts = append(stmts,
		change+" "+strings.Join(opts, ", ")+channel,
		start+conn+channel)
	return stmts, nil
}

// RedactedStatements returns SetupStatements with the password replaced by RedactedPassword,
// or by PlaceholderPassword when o.Password is "" (for `sluice replication-sql`, which prints
// statements for a person to complete). Use it for anything printed or logged.
func RedactedStatements(t Target, c Coordinates, o SetupOptions) ([]string, error) {
	if o.Password == "" {
		o.Password = PlaceholderPassword
	} else {
		o.Password = RedactedPassword
	}
	return SetupStatements(t, c, o)
}

// targetDialect checks that t and c are the same flavour and picks the statement family.
func targetDialect(t Target, c Coordinates) (dialect, error) {
	if t.Flavor != MariaDB && t.Flavor != MySQL {
		return 0, fmt.Errorf("replication setup: target flavor %q: want %q or %q", t.Flavor, MariaDB, MySQL)
	}
	if c.Flavor != "" && c.Flavor != t.Flavor {
		return 0, fmt.Errorf("replication setup: the dump comes from %s but the target is %s: GTID sets do not carry over; restore into a %s server", c.Flavor, t.Flavor, c.Flavor)
	}
	v, err := ParseVersion(t.Version)
	if err != nil {
		return 0, fmt.Errorf("replication setup: target: %w", err)
	}
	switch {
	case t.Flavor == MariaDB:
		return mariadbDialect, nil
	case v.AtLeast(8, 0, 23):
		return mysqlSource, nil
	default:
		return mysqlLegacy, nil
	}
}

// quote returns s as a single-quoted SQL string literal: a quote is doubled and a backslash
// escaped, and a NUL byte written as \0 (MySQL manual 11.1.1 "String Literals").
func quote(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, `'`, `''`)
	s = strings.ReplaceAll(s, "\x00", `\0`)
	return "'" + s + "'"
}
