package binlog

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sluicedb/sluice/internal/conn"
	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/internal/filelock"
	"github.com/sluicedb/sluice/internal/progress"
	"github.com/sluicedb/sluice/internal/sqltext"
)

// magic begins every binlog file.
var magic = []byte{0xfe, 'b', 'i', 'n'}

// Options say what Archive archives and how.
type Options struct {
	Source conn.Config // the server to read the binary logs of
	// Dir is the archive: a local directory, created 0700 when missing, or an object-store
	// URL (s3://BUCKET/PREFIX, see dumpdir.OpenDir and store.go).
	Dir string
	// Spool is the local directory (0700) where an object-store archive's open file grows
	// before it is uploaded; DefaultSpool(Dir) when "". Unused for a local archive.
	Spool string
	// StartFile and StartPos start a new archive at that binlog position (StartPos 0 means
	// 4, the file's beginning, so the archived file is a copy of the source's). StartGTID,
	// a MariaDB GTID position ("0-1-42,1-2-7"), starts it after those GTIDs instead. An
	// existing archive ignores both and resumes after its last durable event.
	StartFile string
	StartPos  uint64
	StartGTID string
	// DumpFile, DumpPos and DumpGTID are recorded in a new archive's index (see Index).
	DumpFile string
	DumpPos  uint64
	DumpGTID string
	ServerID uint32 // the server id the archiver connects with; must be unique among the source's replicas
	// StopNever keeps following the source after its current end, reconnecting with
	// backoff (1 s doubling to 30 s); otherwise Archive returns at the source's end.
	StopNever bool
	// SyncEvery bounds how long written events stay unsynced while more arrive (1 s when 0);
	// when the source falls silent they are synced at its first heartbeat (see Heartbeat).
	SyncEvery time.Duration
	// Progress receives the run's progress (internal/progress) every ProgressEvery (1 s when
	// 0) and once at the end: TablesDone counts the binlog files begun, RowsDone the events
	// and BytesDone the bytes archived by this run, Lag how far the archive is behind the
	// source. Nil reports nowhere.
	Progress      progress.Reporter
	ProgressEvery time.Duration
	// Heartbeat is how long the source may stay silent, with StopNever, before it sends a
	// heartbeat saying it has nothing newer (which sets the lag to 0); 1 s when 0.
	Heartbeat time.Duration
	Log       *slog.Logger
}

// ErrGap is wrapped by Archive's error when the source no longer has the binary logs the
// archive needs next (purged), so continuing would leave a gap.
var ErrGap = errors.New("the source no longer has the binary logs this archive needs (purged?): the archive would have a gap; take a new dump and start a new archive from it")

// Archive archives the source's binary logs into o.Dir until the source's end (or, with
// StopNever, until ctx is done). Cancelling ctx (SIGTERM) flushes and syncs what was received
// and returns nil. Errors name the source or the file; a purged start wraps ErrGap.
func Archive(ctx context.Context, o Options) error {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.SyncEvery == 0 {
		o.SyncEvery = time.Second
	}
	if o.ProgressEvery == 0 {
		o.ProgressEvery = time.Second
	}
	if o.Heartbeat == 0 {
		o.Heartbeat = time.Second
	}
	if o.ServerID == 0 {
		return errors.New("binlog archive: a non-zero server id is required")
	}
	a := &archiver{o: o, dir: o.Dir}
	var ix *Index
	if dumpdir.IsURL(o.Dir) {
		st, err := dumpdir.OpenDir(ctx, o.Dir)
		if err != nil {
			return fmt.Errorf("-o %w", err)
		}
		defer st.Close()
		a.store, a.dir = st, o.Spool
		if a.dir == "" {
			a.dir = DefaultSpool(o.Dir)
		}
		lock, err := lockArchive(a.dir, o.Dir)
		if err != nil {
			return err
		}
		defer lock.Close()
		if ix, a.uploaded, err = seedSpool(ctx, st, a.dir); err != nil {
			return err
		}
	} else {
		lock, err := lockArchive(o.Dir, o.Dir) // creates o.Dir when missing
		if err != nil {
			return err
		}
		defer lock.Close()
		if ix, err = ReadIndex(o.Dir); err != nil {
			return err
		}
	}
	a.ix = ix
	rctx, stopReport := context.WithCancel(context.WithoutCancel(ctx))
	reported := make(chan struct{})
	go func() {
		defer close(reported)
		a.prog.Report(rctx, o.Progress, o.ProgressEvery)
	}()
	defer func() { stopReport(); <-reported }() // the last snapshot after the last sync
	if ix == nil {
		a.ix = &Index{DumpFile: o.DumpFile, DumpPos: o.DumpPos, DumpGTID: o.DumpGTID}
		if o.StartGTID == "" && o.StartFile == "" {
			return errors.New("binlog archive: a new archive needs a start (--dump, --start-gtid or --start-file)")
		}
		if o.StartFile != "" && o.StartPos > 4 {
			if err := checkEventStart(ctx, o.Source, o.StartFile, o.StartPos); err != nil {
				return err
			}
		}
	}
	backoff := time.Second
	for {
		a.events = 0
		err := a.session(ctx)
		if a.events > 0 {
			backoff = time.Second // the connection worked: a new loss starts the backoff again
		}
		if ctx.Err() != nil {
			return a.closeFile(ctx)
		}
		if err == nil || errors.Is(err, errEOF) {
			if !o.StopNever {
				return a.closeFile(ctx)
			}
			err = nil
		}
		var se *ServerError
		if errors.As(err, &se) && se.Code == 1236 {
			a.closeFile(ctx)
			return fmt.Errorf("archive %s from %s: %w: %s", o.Dir, o.Source, ErrGap, se.Message)
		}
		if err != nil && !o.StopNever {
			a.closeFile(ctx)
			return fmt.Errorf("archive %s from %s: %w", o.Dir, o.Source, err)
		}
		if err := a.sync(); err != nil {
			return err
		}
		if err != nil {
			o.Log.Warn("binlog archive: connection lost; reconnecting", "source", o.Source.String(), "after", backoff, "err", err)
		}
		select {
		case <-ctx.Done():
			return a.closeFile(ctx)
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 30*time.Second)
	}
}

// LockName is the file in a local archive (or an object-store archive's spool) that an
// archiver holds locked while it runs (filelock.Lock), so that a second archiver of the same
// archive stops at once instead of writing the same binlog files.
const LockName = "sluice-archive.lock"

// lockArchive creates dir (0700) and locks dir/LockName for the archive at loc; the lock lasts
// until the returned file is closed or the process exits. A held lock is an error naming loc.
func lockArchive(dir, loc string) (*os.File, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("binlog archive %s: %w", loc, err)
	}
	f, err := os.OpenFile(filepath.Join(dir, LockName), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("binlog archive %s: %w", loc, err)
	}
	if err := filelock.Lock(f); err != nil {
		f.Close()
		if errors.Is(err, filelock.ErrLocked) {
			return nil, fmt.Errorf("binlog archive %s is in use by another sluice binlog archive, still running: stop it first (two archivers would write the same binlog files)", loc)
		}
		return nil, fmt.Errorf("binlog archive %s: %w", loc, err)
	}
	return f, nil
}

type archiver struct {
	o   Options
	ix  *Index
	dir string // where the files are written: o.Dir, or the spool of an object-store archive
	// store is the object-store archive (nil for a local one); uploaded is the size of each
	// file it holds, uploadedIndex the index last uploaded (see upload).
	store         *dumpdir.Dir
	uploaded      map[string]int64
	uploadedIndex []byte
	// the open file, nil between files
	f        *os.File
	w        *bufio.Writer // writes to f and sum
	sum      hash.Hash     // SHA-256 of f's bytes so far, kept as they are written (sync records it)
	cur      *IndexFile
	lastSync time.Time
	next     string // the file a real Rotate event named, opened at the next event
	prog     progress.Counters
	events   int64 // events received by the current session
}

// resumePoint is where the next session starts: after the last durable event of the last
// file, or the configured start of a new archive.
func (a *archiver) resumePoint() (file string, pos uint64, gtid string) {
	if n := len(a.ix.Files); n > 0 {
		last := a.ix.Files[n-1]
		if last.Complete {
			return last.Next, 4, ""
		}
		return last.Name, last.EndPos, ""
	}
	if a.o.StartGTID != "" {
		return "", 4, a.o.StartGTID
	}
	return a.o.StartFile, max(a.o.StartPos, 4), ""
}

func (a *archiver) session(ctx context.Context) error {
	file, pos, gtid := a.resumePoint()
	if file == "" && gtid == "" {
		return errors.New("binlog archive: the index's last file is complete and the next is unknown; remove the archive or repair its index")
	}
	c, err := dial(ctx, a.o.Source)
	if err != nil {
		return err
	}
	stop := context.AfterFunc(ctx, func() { c.close() })
	defer stop()
	defer c.close()
	for _, s := range []string{
		"SET @master_binlog_checksum = @@global.binlog_checksum",
		"SET @mariadb_slave_capability = 4",
	} {
		if err := c.exec(s); err != nil {
			return err
		}
	}
	if a.o.StopNever {
		if err := c.exec(fmt.Sprintf("SET @master_heartbeat_period = %d", a.o.Heartbeat.Nanoseconds())); err != nil {
			return err
		}
	}
	if gtid != "" {
		if err := c.exec("SET @slave_connect_state = '" + strings.ReplaceAll(gtid, "'", "") + "'"); err != nil {
			return err
		}
		if err := c.exec("SET @slave_gtid_strict_mode = 1"); err != nil {
			return err
		}
	}
	flags := uint16(dumpSendAnnotate)
	if !a.o.StopNever {
		flags |= dumpNonBlock
	}
	a.o.Log.Info("binlog archive: reading", "source", a.o.Source.String(), "file", file, "pos", pos, "gtid", gtid)
	if err := c.binlogDump(file, uint32(pos), flags, a.o.ServerID); err != nil {
		return err
	}
	for {
		ev, err := c.readEvent()
		if errors.Is(err, errEOF) {
			a.prog.Behind(time.Time{}) // at the source's end
		}
		if err != nil {
			return err
		}
		a.events++
		if err := a.event(ctx, ev); err != nil {
			return err
		}
	}
}

// event archives one event of the stream.
func (a *archiver) event(ctx context.Context, ev []byte) error {
	h, err := parseHeader(ev)
	if err != nil {
		return err
	}
	if h.Type == eventHeartbeat {
		a.prog.Behind(time.Time{}) // the source has nothing newer
		return a.sync()            // what arrived since the last sync is durable within a heartbeat
	}
	if h.Type == eventRotate && (h.Flags&flagArtificial != 0 || h.LogPos == 0) {
		name, pos, err := parseRotate(ev)
		if err != nil {
			return err
		}
		if a.cur != nil && a.cur.Name == name {
			return nil
		}
		if a.cur != nil {
			// The source read past the open file's end and went on to the next: the file
			// ended without a Rotate event (a restart ends it with a Stop event, a crash
			// with nothing), and is whole.
			a.cur.Complete, a.cur.Next = true, name
		}
		if err := a.closeFile(ctx); err != nil {
			return err
		}
		return a.openFile(name, pos)
	}
	if h.Flags&flagArtificial != 0 {
		return nil
	}
	if a.cur == nil {
		if a.next == "" {
			return fmt.Errorf("binlog event type %d before any Rotate event", h.Type)
		}
		if err := a.openFile(a.next, 4); err != nil {
			return err
		}
	}
	if h.Type == eventFormatDescription && a.cur.Size > int64(len(magic)) {
		return nil // resuming within a file that has its own already
	}
	if start := uint64(h.LogPos) - uint64(h.Size); h.LogPos != 0 && h.Type != eventFormatDescription && start != a.cur.EndPos {
		if a.cur.FirstGTID != "" {
			return fmt.Errorf("binlog archive: %s: the source sent an event at %d after one ending at %d: a gap", a.cur.Name, start, a.cur.EndPos)
		}
		// A GTID start: after the file's header events (Gtid_list, Binlog_checkpoint)
		// the source skips to the first transaction after the GTID position.
		a.cur.StartPos = start
	}
	if _, err := a.w.Write(ev); err != nil {
		return fmt.Errorf("write %s: %w", a.f.Name(), err)
	}
	a.cur.Size += int64(len(ev))
	a.prog.Add(1, int64(len(ev)))
	if h.Timestamp != 0 {
		a.prog.Behind(h.time())
	}
	if h.LogPos != 0 {
		a.cur.EndPos = uint64(h.LogPos)
	}
	if h.Type != eventFormatDescription {
		if a.cur.FirstEvent.IsZero() {
			a.cur.FirstEvent = h.time()
		}
		a.cur.LastEvent = h.time()
	}
	if h.Type == eventMariaGTID {
		g, err := parseMariaGTID(ev, h)
		if err != nil {
			return err
		}
		if a.cur.FirstGTID == "" {
			a.cur.FirstGTID = g
		}
		a.cur.LastGTID = g
	}
	if h.Type == eventMySQLGTID {
		uuid, gno, err := parseMySQLGTID(ev)
		if err != nil {
			return err
		}
		g := fmt.Sprintf("%s:%d", uuid, gno)
		if a.cur.FirstGTID == "" {
			a.cur.FirstGTID = g
		}
		a.cur.LastGTID = g
	}
	if a.ix.SourceServerID == 0 {
		a.ix.SourceServerID = h.ServerID
	}
	if h.Type == eventRotate {
		name, _, err := parseRotate(ev)
		if err != nil {
			return err
		}
		a.cur.Complete, a.cur.Next = true, name
		a.next = name
		return a.closeFile(ctx)
	}
	if time.Since(a.lastSync) >= a.o.SyncEvery {
		return a.sync()
	}
	return nil
}

// openFile opens the archive's file name for events from source position pos: appending
// to the archive's last, incomplete file when it is that one, otherwise a new file.
func (a *archiver) openFile(name string, pos uint64) error {
	if name == "" || strings.ContainsAny(name, "/\\") || name == IndexName || name == LockName {
		return fmt.Errorf("binlog archive: the source names a binlog file %q", name)
	}
	path := filepath.Join(a.dir, name)
	if n := len(a.ix.Files); n > 0 && a.ix.Files[n-1].Name == name && !a.ix.Files[n-1].Complete {
		last := &a.ix.Files[n-1]
		if last.EndPos != pos {
			return fmt.Errorf("binlog archive: %s ends at source position %d, but the source resumed at %d", path, last.EndPos, pos)
		}
		f, err := os.OpenFile(path, os.O_RDWR, 0o600)
		if err != nil {
			return fmt.Errorf("binlog archive: reopen %s: %w", path, err)
		}
		// Whatever follows the last indexed event was never durable: drop it.
		if err := f.Truncate(last.Size); err != nil {
			f.Close()
			return err
		}
		// The running hash starts from the kept bytes, read once.
		h := sha256.New()
		if _, err := io.Copy(h, io.NewSectionReader(f, 0, last.Size)); err != nil {
			f.Close()
			return fmt.Errorf("binlog archive: read %s: %w", path, err)
		}
		if _, err := f.Seek(last.Size, 0); err != nil {
			f.Close()
			return err
		}
		a.f, a.sum, a.cur = f, h, last
		a.w = bufio.NewWriterSize(io.MultiWriter(f, h), 1<<20)
		return nil
	}
	for _, fi := range a.ix.Files {
		if fi.Name == name {
			return fmt.Errorf("binlog archive: the source sent %s again, which the archive already holds complete", name)
		}
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if errors.Is(err, os.ErrExist) {
		// A file created but never indexed: not durable, start it again.
		if err = os.Remove(path); err == nil {
			f, err = os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		}
	}
	if err != nil {
		return fmt.Errorf("binlog archive: %w", err)
	}
	a.ix.Files = append(a.ix.Files, IndexFile{Name: name, StartPos: pos, EndPos: pos})
	a.f, a.sum, a.cur = f, sha256.New(), &a.ix.Files[len(a.ix.Files)-1]
	a.w = bufio.NewWriterSize(io.MultiWriter(f, a.sum), 1<<20)
	if _, err := a.w.Write(magic); err != nil {
		return err
	}
	a.cur.Size = int64(len(magic))
	a.prog.Add(0, int64(len(magic)))
	a.prog.TableDone()
	a.next = ""
	return a.sync()
}

// sync makes the open file durable and then records it in the index.
func (a *archiver) sync() error {
	if a.f == nil {
		return nil
	}
	if err := a.w.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", a.f.Name(), err)
	}
	if err := a.f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", a.f.Name(), err)
	}
	// The hash of what was written, not a re-read of the whole file at every sync (once a
	// second on a busy source, and the open file grows to max_binlog_size).
	a.cur.SHA256 = hex.EncodeToString(a.sum.Sum(nil))
	a.lastSync = time.Now()
	if err := a.ix.write(a.dir); err != nil {
		return fmt.Errorf("binlog archive: write the index: %w", err)
	}
	return nil
}

// closeFile syncs, indexes and closes the open file, if any, and then brings an
// object-store archive up to date (upload): it is called when a file is complete and on exit.
func (a *archiver) closeFile(ctx context.Context) error {
	if a.f == nil {
		return a.upload(ctx)
	}
	err := a.sync()
	if cerr := a.f.Close(); err == nil {
		err = cerr
	}
	if err == nil && a.cur != nil {
		a.o.Log.Info("binlog archive: file synced", "file", a.cur.Name, "bytes", a.cur.Size, "complete", a.cur.Complete, "last_gtid", a.cur.LastGTID)
	}
	a.f, a.w, a.sum, a.cur = nil, nil, nil, nil
	if err != nil {
		return err
	}
	return a.upload(ctx)
}

// checkEventStart checks that pos is where an event of the source's binlog file begins (the
// source would otherwise send bytes from the middle of an event, or fail with an obscure
// error), by asking for the event there with SHOW BINLOG EVENTS.
func checkEventStart(ctx context.Context, cfg conn.Config, file string, pos uint64) error {
	db, err := cfg.Open(ctx, "", 1)
	if err != nil {
		return err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, fmt.Sprintf("SHOW BINLOG EVENTS IN %s FROM %d LIMIT 1", sqltext.QuoteString(file), pos))
	if err == nil {
		err = rows.Close()
	}
	if err != nil {
		return fmt.Errorf("binlog archive: --start-position %d is not where an event of %s on %s begins (%w): give a Pos or End_log_pos that SHOW BINLOG EVENTS IN '%s' lists",
			pos, file, cfg, err, file)
	}
	return nil
}
