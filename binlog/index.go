package binlog

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// IndexName is the archive's index file, JSON, rewritten (write, fsync, rename) after each
// binlog file of the archive is fsynced.
const IndexName = "index.json"

// Index describes an archive: where it started and its binlog files, oldest first.
type Index struct {
	SourceServerID uint32 `json:"source_server_id,omitempty"` // @@server_id of the archived server
	// DumpFile, DumpPos and DumpGTID are the coordinates of the dump the archive started
	// from (--dump), "" and 0 otherwise; replay starts after them.
	DumpFile string      `json:"dump_file,omitempty"`
	DumpPos  uint64      `json:"dump_pos,omitempty"`
	DumpGTID string      `json:"dump_gtid,omitempty"`
	Files    []IndexFile `json:"files"`
}

// IndexFile is one archived binlog file.
type IndexFile struct {
	Name     string `json:"name"`      // the source's file name, e.g. "binlog.000003"
	StartPos uint64 `json:"start_pos"` // source position of its first archived event (4: the whole file)
	EndPos   uint64 `json:"end_pos"`   // source position just after its last archived event
	Size     int64  `json:"size"`      // bytes on disk, magic included
	// FirstEvent and LastEvent are the timestamps of its first and last events (zero when
	// it has none yet).
	FirstEvent time.Time `json:"first_event,omitzero"`
	LastEvent  time.Time `json:"last_event,omitzero"`
	FirstGTID  string    `json:"first_gtid,omitempty"` // first and last GTID of its transactions
	LastGTID   string    `json:"last_gtid,omitempty"`
	SHA256     string    `json:"sha256"` // of the file's bytes, hex
	// Complete is true once the source rotated past this file (it ends with the Rotate event).
	Complete bool   `json:"complete"`
	Next     string `json:"next,omitempty"` // the file the source rotated to, once Complete
}

// ReadIndex reads dir's index. A missing index is (nil, nil): a new archive.
func ReadIndex(dir string) (*Index, error) {
	b, err := os.ReadFile(filepath.Join(dir, IndexName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return decodeIndex(filepath.Join(dir, IndexName), b)
}

// decodeIndex parses an index file's bytes b; where names the file in the error of a corrupt one.
func decodeIndex(where string, b []byte) (*Index, error) {
	var ix Index
	if err := json.Unmarshal(b, &ix); err != nil {
		return nil, fmt.Errorf("%s: %w (the archive index is corrupt)", where, err)
	}
	return &ix, nil
}

// write replaces dir's index atomically.
func (ix *Index) write(dir string) error {
	b, err := json.MarshalIndent(ix, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, IndexName+".tmp")
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(dir, IndexName)); err != nil {
		return err
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
