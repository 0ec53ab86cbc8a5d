package dumpdir

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// StatusName is the status file of a dump that sluice dump writes: clear text even in an
// encrypted dump, since it holds no name, row or statement, only the dump's state and times,
// so that `sluice list` and `sluice prune` can tell a running dump from a dead one without an
// identity. It is not listed in the metadata's [files].
const StatusName = "sluice-dump.status"

// Dump states recorded in the status file.
const (
	StateRunning  = "running"  // a dump is writing the directory and refreshes HeartbeatAt
	StateComplete = "complete" // the metadata file is written
	StateFailed   = "failed"   // the dump stopped with an error; the directory is incomplete
)

// Status is the content of the status file. A running dump rewrites it every heartbeat
// interval (the restic lock's refresh, for a directory that may be in an object store, where
// only a rewritten object's time is reliable); a dump whose heartbeat is old was killed.
type Status struct {
	State                        string
	Started, Heartbeat, Finished time.Time
	Host                         string // host name of the machine running sluice dump
	PID                          int
	Encryption                   string // "age" or "" for clear text
}

// WriteStatus writes d's status file so that it appears only once whole (clear text, 0600; in
// an object store, one object rewritten each time).
func (d *Dir) WriteStatus(ctx context.Context, s Status) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# sluice dump status (clear text: no names or data), read by sluice list and prune\n")
	fmt.Fprintf(&b, "state = %s\nstarted_at = %s\nheartbeat_at = %s\n", s.State, fmtTime(s.Started), fmtTime(s.Heartbeat))
	if !s.Finished.IsZero() {
		fmt.Fprintf(&b, "finished_at = %s\n", fmtTime(s.Finished))
	}
	fmt.Fprintf(&b, "host = %s\npid = %d\nencryption = %s\n", strconv.Quote(s.Host), s.PID, s.Encryption)
	f, err := d.createClear(ctx, StatusName)
	if err != nil {
		return err
	}
	if _, err := f.Write(b.Bytes()); err != nil {
		f.Abort()
		return err
	}
	_, err = f.Close()
	return err
}

func fmtTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// ReadStatus reads d's status file. A missing file gives an error wrapping ErrNotExist (a dump
// from before status files, or not from sluice); a malformed one, an error naming the key.
func (d *Dir) ReadStatus(ctx context.Context) (*Status, error) {
	path := d.path(StatusName)
	raw, err := d.ReadFile(ctx, StatusName)
	if err != nil {
		return nil, err
	}
	var s Status
	for i, line := range strings.Split(string(raw), "\n") {
		k, v, ok := strings.Cut(line, " = ")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		var perr error
		switch k {
		case "state":
			s.State = v
		case "started_at":
			s.Started, perr = time.Parse(time.RFC3339Nano, v)
		case "heartbeat_at":
			s.Heartbeat, perr = time.Parse(time.RFC3339Nano, v)
		case "finished_at":
			s.Finished, perr = time.Parse(time.RFC3339Nano, v)
		case "host":
			s.Host, perr = strconv.Unquote(v)
		case "pid":
			s.PID, perr = strconv.Atoi(v)
		case "encryption":
			s.Encryption = v
		}
		if perr != nil {
			return nil, fmt.Errorf("%s line %d: %s: %w: the status file is corrupt", path, i+1, k, perr)
		}
	}
	if s.State == "" || s.Started.IsZero() {
		return nil, fmt.Errorf("%s: no state or start time: the status file is corrupt", path)
	}
	return &s, nil
}
