package dumper

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/go-sql-driver/mysql"
)

// Server errors that end a dump's session (MariaDB 10.11 and MySQL error numbers):
// ER_SERVER_SHUTDOWN, ER_QUERY_INTERRUPTED (KILL QUERY), ER_CONNECTION_KILLED (KILL),
// ER_NEW_ABORTING_CONNECTION, and the client-side CR_SERVER_GONE_ERROR and CR_SERVER_LOST.
var sessionEnded = []uint16{1053, 1317, 1927, 1184, 2006, 2013}

// explainLost adds what happened and what to do to err when it says a snapshot connection was
// lost or its query killed: a worker's snapshot cannot be taken again, so the dump is given up
// (no metadata is written) and must be run again. Decided by error class, never by message
// text. Other errors are returned as they are.
func explainLost(err error) error {
	var me *mysql.MySQLError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err // the dump was stopped (Ctrl-C, a deadline): nothing was lost
	case errors.As(err, &me) && !slices.Contains(sessionEnded, me.Number):
		return err
	case me == nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) &&
		!errors.Is(err, driver.ErrBadConn) && !errors.Is(err, mysql.ErrInvalidConn):
		return err
	}
	return fmt.Errorf("%w: the connection to the source was lost or its query killed (KILL, a server shutdown or restart, a network failure); the dump is incomplete: take it again", err)
}
