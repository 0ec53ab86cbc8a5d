package catalog

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"filippo.io/age"

	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/replication"
)

// States of a dump, as List reports them.
const (
	Complete = "complete" // the metadata file is written: the loader accepts the dump
	Running  = "running"  // no metadata yet, and its status file's heartbeat is fresh: a dump is writing it
	Stale    = "stale"    // no metadata, and no heartbeat for the stale period: the dump was killed
	Failed   = "failed"   // no metadata: the dump stopped with an error
	Damaged  = "damaged"  // a metadata file that does not parse
)

// DefaultStaleAfter is how long a running dump may go without a heartbeat before it is taken
// for dead: fifteen heartbeats (dumper refreshes its status file every minute).
// MinStaleAfter is the shortest that prune accepts: five heartbeats, so that a dump slowed
// by a loaded machine is never taken for dead.
const (
	DefaultStaleAfter = 15 * time.Minute
	MinStaleAfter     = 5 * time.Minute
)

// Dump is one dump under the parent directory. Tables, Rows and the source fields are known
// only from a readable metadata file: for an encrypted dump read without identities,
// Details is false and they are zero.
type Dump struct {
	Name      string        `json:"name"` // the subdirectory's name
	Path      string        `json:"path"`
	State     string        `json:"state"` // Complete, Running, Stale, Failed or Damaged
	Started   time.Time     `json:"started"`
	Finished  time.Time     `json:"finished,omitzero"`
	Duration  time.Duration `json:"-"`                          // Finished - Started, for a finished dump
	Seconds   float64       `json:"duration_seconds,omitempty"` // Duration in seconds
	Heartbeat time.Time     `json:"heartbeat,omitzero"`         // last refresh of the status file
	Bytes     int64         `json:"bytes"`                      // all files of the directory on disk
	Files     int           `json:"files"`
	Encrypted bool          `json:"encrypted"`
	Details   bool          `json:"details"` // the fields below were read from the metadata
	Tables    int           `json:"tables,omitempty"`
	Rows      int64         `json:"rows,omitempty"`
	Flavor    string        `json:"source_flavor,omitempty"`
	Version   string        `json:"source_version,omitempty"`
	ServerID  uint32        `json:"source_server_id,omitempty"`
	UUID      string        `json:"source_server_uuid,omitempty"`
	GTIDSet   string        `json:"gtid_set,omitempty"`
	Binlog    string        `json:"binlog,omitempty"` // file:position
	Host      string        `json:"dump_host,omitempty"`
	PID       int           `json:"dump_pid,omitempty"`
	Note      string        `json:"note,omitempty"` // why details are missing, or what is wrong
}

// Options are the settings of List.
type Options struct {
	// Identities decrypt the metadata of encrypted dumps, for their details; nil to list
	// encrypted dumps from their status files only.
	Identities []age.Identity
	StaleAfter time.Duration // no heartbeat for this long: Stale (default DefaultStaleAfter)
	Now        time.Time     // the time staleness is judged at (default time.Now())
}

// List returns the dumps under parent (a local directory or an object-store prefix, see
// dumpdir.OpenDir), newest first (by start time). Unreadable dumps are listed with a Note, never
// skipped; the error is for parent itself (missing, unreadable, or a dump rather than a
// directory of dumps).
func List(ctx context.Context, parent *dumpdir.Dir, o Options) ([]Dump, error) {
	if o.StaleAfter <= 0 {
		o.StaleAfter = DefaultStaleAfter
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	files, err := parent.Files(ctx)
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if f.Name == dumpdir.MetadataName || f.Name == dumpdir.StatusName {
			return nil, fmt.Errorf("%s is a dump, not a directory of dumps: give its parent, %s", parent, dumpdir.Parent(parent.String()))
		}
	}
	names, err := parent.Children(ctx)
	if err != nil {
		return nil, err
	}
	var out []Dump
	for _, name := range names {
		d := parent.Sub(name)
		d.Decrypt(o.Identities)
		if dump, ok := read(ctx, d, name, &o); ok {
			out = append(out, dump)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Started.Equal(out[j].Started) {
			return out[i].Started.After(out[j].Started)
		}
		return out[i].Name > out[j].Name
	})
	return out, nil
}

// read describes the dump in dir; ok is false when dir holds neither metadata nor status.
func read(ctx context.Context, dir *dumpdir.Dir, name string, o *Options) (Dump, bool) {
	d := Dump{Name: name, Path: dir.String()}
	files, _ := dir.Files(ctx)
	var metaTime, newest time.Time
	hasMeta := false
	for _, f := range files {
		d.Files++
		d.Bytes += f.Size
		if f.Name == dumpdir.MetadataName {
			hasMeta, metaTime = true, f.ModTime
		}
		if f.ModTime.After(newest) {
			newest = f.ModTime
		}
	}
	st, stErr := dir.ReadStatus(ctx)
	if !hasMeta && errors.Is(stErr, dumpdir.ErrNotExist) {
		return d, false
	}
	if st != nil {
		d.Started, d.Heartbeat, d.Finished = st.Started, st.Heartbeat, st.Finished
		d.Host, d.PID, d.Encrypted = st.Host, st.PID, st.Encryption != ""
	}
	switch {
	case hasMeta:
		d.State = Complete
		readMetadata(ctx, &d, dir, metaTime)
	case st == nil:
		// A status file that cannot be read, and no metadata: a dump that died as it began.
		d.State, d.Note, d.Started = Stale, stErr.Error(), newest
		if o.Now.Sub(newest) < o.StaleAfter {
			d.State = Running
		}
	case st.State == dumpdir.StateFailed:
		d.State = Failed
	case st.State == dumpdir.StateComplete:
		d.State, d.Note = Damaged, "the status says complete but the metadata file is missing"
	case o.Now.Sub(st.Heartbeat) >= o.StaleAfter:
		d.State = Stale
	default:
		d.State = Running
	}
	if !d.Finished.IsZero() && !d.Started.IsZero() {
		d.Duration = d.Finished.Sub(d.Started)
		d.Seconds = d.Duration.Seconds()
	}
	return d, true
}

// readMetadata fills d's details from dir's metadata file, decrypted with dir's identities.
func readMetadata(ctx context.Context, d *Dump, dir *dumpdir.Dir, metaTime time.Time) {
	m, err := dir.ReadMetadata(ctx)
	switch {
	case errors.Is(err, dumpdir.ErrNeedIdentity):
		d.Encrypted = true
		d.Note = "encrypted: give --decrypt-identity for tables, rows and source"
		if d.Finished.IsZero() {
			d.Finished = metaTime
		}
		return
	case errors.Is(err, dumpdir.ErrWrongIdentity):
		d.Encrypted, d.Note = true, err.Error()
		return
	case err != nil:
		d.State, d.Note = Damaged, err.Error()
		return
	}
	d.Details, d.Encrypted = true, m.Encrypted
	d.Started, d.Finished = m.Started, m.Finished
	d.Tables = len(m.Tables)
	for _, t := range m.Tables {
		d.Rows += t.Rows
	}
	if c, err := replication.CoordinatesFromMetadata(dumpdir.Map(m.Source)); err == nil {
		d.Flavor, d.Version, d.ServerID, d.UUID, d.GTIDSet = string(c.Flavor), c.Version, c.ServerID, c.ServerUUID, c.GTIDSet
		if c.File != "" {
			d.Binlog = fmt.Sprintf("%s:%d", c.File, c.Position)
		}
	}
}
