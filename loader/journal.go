package loader

import (
	"bufio"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/sluicedb/sluice/internal/filelock"
)

// journalMagic starts a journal's first line, followed by the restore's identity (see restoreID).
const journalMagic = "sluice-load-journal 1"

// journal is the resume journal: a text file of finished jobs, one per line, appended and
// fsynced as each job finishes (the file is fsynced, and its directory when it is created and
// removed) ("created KEY", "file NAME", "index KEY N", "constraint KEY",
// "post NAME"). It records what is durable on the server; a line lost by a crash after the
// server committed is recovered by the progress table (data) or by tolerating "already exists"
// errors on resume (DDL). Safe for concurrent use.
type journal struct {
	path string
	mu   sync.Mutex
	f    *os.File
	done map[string]bool
	key  []byte // with an encrypted dump, entries are recorded as their HMAC-SHA256 under key (see keyed)
}

// keyed makes the journal record each entry as the hex HMAC-SHA256 of it under key (from
// dumpdir.SecretKey), so that the journal of an encrypted dump names no table in clear; nil key
// for a clear-text dump. Call it right after openJournal, before has and add.
func (j *journal) keyed(key []byte) { j.key = key }

// line is how entry is recorded.
func (j *journal) line(entry string) string {
	if j.key == nil {
		return entry
	}
	m := hmac.New(sha256.New, j.key)
	m.Write([]byte(entry))
	return hex.EncodeToString(m.Sum(nil))
}

// journalID returns the restore id the journal at path was written for, "" when it cannot be
// read or is not a journal.
func journalID(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	first, _ := bufio.NewReader(f).ReadString('\n')
	id, ok := strings.CutPrefix(strings.TrimSuffix(first, "\n"), journalMagic+" ")
	if !ok {
		return ""
	}
	return id
}

// openJournal creates a new journal for a fresh restore, or with resume reads the existing one
// and checks that it was written for the same restore id. A fresh restore refuses to overwrite a
// journal: that restore was interrupted and its tables exist.
func openJournal(path, id string, resume bool) (*journal, error) {
	j := &journal{path: path, done: map[string]bool{}}
	if !resume {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if errors.Is(err, os.ErrExist) {
			if err := checkUnlocked(path); err != nil {
				return nil, err
			}
			return nil, fmt.Errorf("%s exists: an earlier restore of this dump was interrupted: finish it with --resume, or drop its tables and delete the journal to start over", path)
		}
		if err != nil {
			return nil, fmt.Errorf("journal: %w: use --journal FILE when the dump directory is read-only", err)
		}
		if err := lockJournal(f); err != nil {
			f.Close()
			return nil, err
		}
		j.f = f
		if err := j.append(journalMagic + " " + id); err != nil {
			f.Close()
			return nil, err
		}
		if err := syncDir(filepath.Dir(path)); err != nil {
			f.Close()
			return nil, fmt.Errorf("journal %s: %w", path, err)
		}
		return j, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--resume: %w: nothing to resume (was --journal given the first time?)", err)
	}
	lines := strings.Split(string(b), "\n")
	if lines[0] != journalMagic+" "+id {
		return nil, fmt.Errorf("--resume: %s was written for another dump or other options (-B, --source-db, -T, --defer-indexes, --defer-min-rows; with --defer-indexes auto, also -t and the target's buffer pool, which choose each table's index strategy): resume with the original ones", path)
	}
	for _, l := range lines[1:] {
		if l != "" {
			j.done[l] = true // a torn last line matches nothing: its job runs again
		}
	}
	if j.f, err = os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0o600); err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	if err := lockJournal(j.f); err != nil {
		j.f.Close()
		return nil, err
	}
	// A torn last line (no newline) must not glue onto the next entry.
	if len(b) > 0 && b[len(b)-1] != '\n' {
		if _, err := j.f.WriteString("\n"); err != nil {
			j.f.Close()
			return nil, fmt.Errorf("journal %s: %w", path, err)
		}
	}
	return j, nil
}

// lockJournal locks the open journal f for this run (filelock.Lock; the lock ends when f is
// closed or the process exits), so that a second load of the same dump cannot run beside it.
func lockJournal(f *os.File) error {
	err := filelock.Lock(f)
	if errors.Is(err, filelock.ErrLocked) {
		return fmt.Errorf("journal %s is in use by another sluice load of this dump, still running: wait for it to finish, or stop it and then run --resume", f.Name())
	}
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	return nil
}

// checkUnlocked returns lockJournal's error when another load holds the journal at path, nil
// when none does (or the file cannot be opened: the caller's own error says why).
func checkUnlocked(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return nil
	}
	defer f.Close()
	return lockJournal(f)
}

// has reports whether entry was recorded.
func (j *journal) has(entry string) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.done[j.line(entry)]
}

// forget makes has report entry as not recorded for the rest of this run (the file keeps
// it): for the work a resume does again (markPartialReloads).
func (j *journal) forget(entry string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	delete(j.done, j.line(entry))
}

// add records entry durably (write and fsync) before returning.
func (j *journal) add(entry string) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	l := j.line(entry)
	if err := j.append(l); err != nil {
		return err
	}
	j.done[l] = true
	return nil
}

func (j *journal) append(line string) error {
	if _, err := j.f.WriteString(line + "\n"); err != nil {
		return fmt.Errorf("journal %s: %w", j.path, err)
	}
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("journal %s: %w", j.path, err)
	}
	return nil
}

func (j *journal) close() error { return j.f.Close() }

// remove deletes the journal of a finished restore, durably: a crash right after must not
// bring it back and make the next load of the dump refuse to start.
func (j *journal) remove() error {
	j.f.Close()
	if err := os.Remove(j.path); err != nil {
		return err
	}
	return syncDir(filepath.Dir(j.path))
}

// syncDir fsyncs a directory, so that a file created in or removed from it stays so after a
// crash (fsync(2): syncing a file does not sync its directory entry).
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
