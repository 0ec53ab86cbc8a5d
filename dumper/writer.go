package dumper

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/sluicedb/sluice/internal/checksum"
	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/internal/progress"
	"github.com/sluicedb/sluice/internal/sqltext"
)

// tableOutput collects what the workers dumping one table's chunks wrote: file names (numbered
// from one counter, so chunks never collide), rows and bytes.
type tableOutput struct {
	t      *table
	namer  *fileNamer
	mu     sync.Mutex
	next   int
	files  []dumpdir.FileInfo
	rows   int64
	chunks []dumpdir.Chunk // each chunk read, with its checksum and key range

	idx     int                             // position in the metadata's tables, for pipe events
	ended   func(ctx context.Context) error // tells Options.Pipe or the progress markers of the table's end; nil for none
	pending int                             // chunks handed out (or split off) and not yet read
	plan    bool                            // every chunk of the table is handed out (planned)
	kept    bool                            // Options.Keep kept the table: its data is not dumped
}

// begin counts one more chunk of the table to read (handed out or split off a range).
func (o *tableOutput) begin() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.pending++
}

// end counts a chunk read; once every chunk is read and none is left to hand out, the pipe is
// told that the table is done.
func (o *tableOutput) end(ctx context.Context) error {
	o.mu.Lock()
	o.pending--
	last := o.pending == 0 && o.plan
	o.mu.Unlock()
	return o.done(ctx, last)
}

// planned records that every chunk of the table is handed out.
func (o *tableOutput) planned(ctx context.Context) error {
	o.mu.Lock()
	o.plan = true
	last := o.pending == 0
	o.mu.Unlock()
	return o.done(ctx, last)
}

func (o *tableOutput) done(ctx context.Context, last bool) error {
	if !last || o.ended == nil {
		return nil
	}
	return o.ended(ctx)
}

// addChunk records a chunk read with checksum sum, whose rows are those matching where, written
// to the data files named files.
func (o *tableOutput) addChunk(sum checksum.Sum, where string, files []string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.chunks = append(o.chunks, dumpdir.Chunk{Sum: sum.String(), Where: where, Files: files})
}

func (o *tableOutput) nextName(ext string) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	n := o.next
	o.next++
	return o.namer.name(dumpdir.DataFile(o.t.DB, o.t.Name, n, ext), ext)
}

func (o *tableOutput) add(fi dumpdir.FileInfo, rows int64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.files = append(o.files, fi)
	o.rows += rows
}

// names returns the data file names sorted by name (which is by number).
func (o *tableOutput) names() []string {
	var n []string
	for _, f := range o.files {
		n = append(n, f.Name)
	}
	slices.Sort(n)
	return n
}

// sqlHeader starts every SQL data file: the values that follow are raw bytes in each column's own
// character set, read with SET NAMES binary, and timestamps are in UTC (as mydumper writes).
const sqlHeader = "/*!40101 SET NAMES binary*/;\n/*!40014 SET FOREIGN_KEY_CHECKS=0*/;\n/*!40103 SET TIME_ZONE='+00:00' */;\n"

// chunkWriter writes one chunk's rows, in SQL format as multi-row INSERT statements, one
// statement per line, each ending once it reaches the statement size; in TSV format as lines,
// written in blocks of the statement size. Files end once they reach the file size or maxRows
// rows. Not safe for concurrent use: each worker has its own.
type chunkWriter struct {
	out      *tableOutput
	create   func(name string, bufs *dumpdir.Buffers) (*dumpdir.File, error) // Dir.CreateData on the dump's Dir
	comp     string
	tsv      bool
	tsvEnc   []sqltext.TSVEncoding
	stmtSize int
	fileSize int64
	maxRows  int64 // rows per file; 0 for no limit
	progress *progress.Counters
	announce func(fi dumpdir.FileInfo, rows int64) error // tells Options.Pipe of a whole file; nil for none
	synced   func(fi dumpdir.FileInfo, rows int64)       // tells the progress markers of a file synced; nil for none
	noSync   bool                                        // Options.NoSync
	sync     *syncer                                     // finishes files in the background; nil to finish them here
	prefix   []byte                                      // INSERT INTO `t` (`a`,`b`) VALUES

	sum      checksum.Sum // of the rows written so far
	scratch  []byte       // a row re-encoded for sum, when read through the driver
	reprints bool         // the driver's fallback reader would print some column unlike the server (reprinted)
	keys     *fileChunks  // cuts a one-scan chunk's checksum per file; nil for none
	names    []string     // the data files this writer created, in order

	stmt     []byte
	stmtRows int64
	file     *dumpdir.File
	enc      io.WriteCloser
	written  int64 // uncompressed bytes in the current file
	fileRows int64
}

// newChunkWriter returns the writer of one chunk of out into dir; ctx is the chunk's, for the
// files it creates.
func newChunkWriter(ctx context.Context, dir *dumpdir.Dir, out *tableOutput, maxRows int64, sy *syncer, o *Options) *chunkWriter {
	cols := make([]string, len(out.t.Columns))
	for i, c := range out.t.Columns {
		cols[i] = sqltext.QuoteIdent(c.Name)
	}
	prefix := "INSERT INTO " + sqltext.QuoteIdent(out.t.Name) + " (" + strings.Join(cols, ",") + ") VALUES "
	create := func(name string, bufs *dumpdir.Buffers) (*dumpdir.File, error) {
		return dir.CreateData(ctx, name, bufs)
	}
	w := &chunkWriter{out: out, create: create, comp: o.Compression, stmtSize: o.StatementSize, maxRows: maxRows,
		fileSize: o.FileSize, noSync: o.NoSync, reprints: reprinted(out.t), sync: sy, prefix: []byte(prefix), stmt: make([]byte, 0, o.StatementSize+64<<10), progress: o.counters}
	if o.Pipe != nil {
		w.announce = func(fi dumpdir.FileInfo, rows int64) error { return o.Pipe.FileDone(ctx, out.idx, fi, rows) }
	}
	if o.markers != nil {
		w.synced = func(fi dumpdir.FileInfo, rows int64) { o.markers.fileDone(out.idx, fi, rows) }
	}
	if o.Format == FormatTSV {
		w.tsv = true
		for _, c := range out.t.Columns {
			w.tsvEnc = append(w.tsvEnc, sqltext.TSVEncodingOf(c.DataType))
		}
	}
	return w
}

// packetRow appends one row read from the socket: its packet payload and its values.
func (w *chunkWriter) packetRow(p []byte, vals [][]byte) error {
	w.sum.AddPacket(p)
	return w.row(vals)
}

// row appends one row, values as the text protocol returns them (nil for NULL).
func (w *chunkWriter) row(vals [][]byte) error {
	if w.keys != nil {
		w.keys.row(vals)
	}
	switch {
	case w.tsv:
		w.stmt = appendTSVRow(w.stmt, w.tsvEnc, vals)
	default:
		if w.stmtRows == 0 {
			w.stmt = append(w.stmt[:0], w.prefix...)
		} else {
			w.stmt = append(w.stmt, ',')
		}
		w.stmt = append(w.stmt, '(')
		for i, v := range vals {
			if i > 0 {
				w.stmt = append(w.stmt, ',')
			}
			w.stmt = sqltext.AppendValue(w.stmt, w.out.t.Columns[i].Kind, v)
		}
		w.stmt = append(w.stmt, ')')
	}
	w.stmtRows++
	if len(w.stmt) >= w.stmtSize || (w.maxRows > 0 && w.fileRows+w.stmtRows >= w.maxRows) {
		return w.flushStatement()
	}
	return nil
}

func (w *chunkWriter) flushStatement() error {
	if w.stmtRows == 0 {
		return nil
	}
	if w.file == nil {
		ext := "sql"
		if w.tsv {
			ext = "tsv"
		}
		name := w.out.nextName(ext + dumpdir.Suffix(w.comp))
		var bufs *dumpdir.Buffers
		if w.sync != nil {
			bufs = &w.sync.buffers
		}
		f, err := w.create(name, bufs)
		if err != nil {
			return err
		}
		if w.noSync {
			f.NoSync()
		}
		enc, err := bufs.NewCompressor(f, w.comp)
		if err != nil {
			f.Abort()
			return err
		}
		w.file, w.enc, w.written, w.fileRows = f, enc, 0, 0
		w.names = append(w.names, name)
		if !w.tsv {
			if err := w.write([]byte(sqlHeader)); err != nil {
				return err
			}
		}
	}
	if !w.tsv {
		w.stmt = append(w.stmt, ';', '\n')
	}
	if err := w.write(w.stmt); err != nil {
		return err
	}
	w.progress.Add(w.stmtRows, int64(len(w.stmt)))
	w.stmt = w.stmt[:0]
	if cap(w.stmt) > 4*w.stmtSize+64<<10 {
		w.stmt = make([]byte, 0, w.stmtSize+64<<10) // a huge row passed: do not keep its buffer
	}
	w.fileRows += w.stmtRows
	w.stmtRows = 0
	if w.written >= w.fileSize || (w.maxRows > 0 && w.fileRows >= w.maxRows) {
		return w.closeFile()
	}
	return nil
}

func (w *chunkWriter) write(p []byte) error {
	if _, err := w.enc.Write(p); err != nil {
		return fmt.Errorf("%s: %w", w.out.t, err)
	}
	w.written += int64(len(p))
	return nil
}

func (w *chunkWriter) closeFile() error {
	if w.file == nil {
		return nil
	}
	f := w.file
	w.file = nil
	if w.keys != nil {
		w.keys.closed(w.names[len(w.names)-1], w.sum)
	}
	if err := w.enc.Close(); err != nil {
		f.Abort()
		return fmt.Errorf("%s: compress: %w", w.out.t, err)
	}
	out, rows := w.out, w.fileRows
	if w.sync != nil {
		synced := w.synced
		if err := w.sync.finish(f, func(fi dumpdir.FileInfo) {
			out.add(fi, rows)
			if synced != nil {
				synced(fi, rows)
			}
		}); err != nil {
			return fmt.Errorf("%s: %w", w.out.t, err)
		}
		return nil
	}
	fi, err := f.Close()
	if err != nil {
		return fmt.Errorf("%s: %w", w.out.t, err)
	}
	out.add(fi, rows)
	if w.announce != nil {
		return w.announce(fi, rows)
	}
	return nil
}

// finish ends the last statement and file.
func (w *chunkWriter) finish() error {
	if err := w.flushStatement(); err != nil {
		return err
	}
	return w.closeFile()
}

// abort removes the file being written.
func (w *chunkWriter) abort() {
	if w.file != nil {
		w.file.Abort()
		w.file = nil
	}
}
