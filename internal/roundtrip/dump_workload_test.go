package roundtrip

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/dumpdir"
	"github.com/sluicedb/sluice/internal/testserver"
	"github.com/sluicedb/sluice/loader"
)

// domain0Seq returns the sequence number of domain 0 in a MariaDB GTID position such as
// "0-1-57,1-2-3" (57), or 0 when domain 0 is absent.
func domain0Seq(t testing.TB, pos string) int64 {
	t.Helper()
	for _, g := range strings.Split(pos, ",") {
		p := strings.Split(strings.TrimSpace(g), "-")
		if len(p) == 3 && p[0] == "0" {
			n, err := strconv.ParseInt(p[2], 10, 64)
			if err != nil {
				t.Fatalf("GTID %q: %v", g, err)
			}
			return n
		}
	}
	return 0
}

// TestDumpUnderWorkload takes a dump while transactions move amounts from rows of one table to
// rows of another (and journal each transfer in the same transaction) on four connections, and
// checks the restored copy against the dump's recorded GTID position:
//   - the total of both tables is unchanged (no transaction is seen half done);
//   - the journal holds exactly as many transfers as the GTID position says transactions were
//     committed since the workload began (every transaction is one GTID in domain 0), so the data
//     is the state at that position, neither earlier nor later;
//   - every balance equals its starting value plus the journaled transfers (the tables and the
//     journal are from the same instant, whatever chunk each row was read in).
//
// With --lock-mode none this test fails (the journal count and the GTID position disagree);
// with auto (BACKUP STAGE), ftwrl and lock-tables it passes.
func TestDumpUnderWorkload(t *testing.T) {
	a := testserver.ForTest(t, testserver.Options{})
	b := testserver.ForTest(t, testserver.Options{})
	src := Open(t, a, "")
	src.SetMaxOpenConns(1)
	const accounts, start = 20000, 1000
	Exec(t, src, "CREATE DATABASE w", "USE w",
		"CREATE TABLE src_acct (id INT PRIMARY KEY, bal BIGINT NOT NULL, pad CHAR(100) NOT NULL DEFAULT '')",
		"CREATE TABLE dst_acct (id INT PRIMARY KEY, bal BIGINT NOT NULL, pad CHAR(100) NOT NULL DEFAULT '')",
		"CREATE TABLE journal (id BIGINT AUTO_INCREMENT PRIMARY KEY, src INT NOT NULL, dst INT NOT NULL, amount INT NOT NULL)",
		fmt.Sprintf("INSERT INTO src_acct SELECT seq, %d, REPEAT('s', 100) FROM seq_1_to_%d", start, accounts),
		fmt.Sprintf("INSERT INTO dst_acct SELECT seq, %d, REPEAT('d', 100) FROM seq_1_to_%d", start, accounts),
		"ANALYZE TABLE src_acct, dst_acct, journal")
	var pos0 string
	if err := src.QueryRow("SELECT @@GLOBAL.gtid_binlog_pos").Scan(&pos0); err != nil {
		t.Fatal(err)
	}
	seq0 := domain0Seq(t, pos0)

	// The workload: 4 connections, each transfer one transaction; it stops by itself after the
	// dump is done, after 20000 transfers, or after 60 seconds, whichever comes first.
	pool := Open(t, a, "w")
	pool.SetMaxOpenConns(4)
	dumped := make(chan struct{})
	var committed atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	deadline := time.Now().Add(60 * time.Second)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(seed uint64) {
			defer wg.Done()
			r := rand.New(rand.NewPCG(seed, 7))
			for committed.Load() < 20000 && time.Now().Before(deadline) {
				select {
				case <-dumped:
					return
				default:
				}
				from, to, amount := r.IntN(accounts)+1, r.IntN(accounts)+1, r.IntN(100)+1
				if err := transfer(pool, from, to, amount); err != nil {
					errs <- err
					return
				}
				committed.Add(1)
			}
		}(uint64(w))
	}
	// Wait for the workload to be under way; a writer that fails first ends the wait (and the
	// test) at once instead of leaving it to spin until the suite's timeout.
	if err := waitCommitted(&committed, 200, errs, 60*time.Second); err != nil {
		close(dumped)
		wg.Wait()
		t.Fatalf("workload: %v", err)
	}
	dir := t.TempDir() + "/dump"
	_, err := dumper.Run(context.Background(), Config(a), dumper.Options{OutDir: dir, Databases: []string{"w"}, Threads: 3, Rows: 2000})
	close(dumped)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("workload: %v", err)
	}
	if err != nil {
		t.Fatalf("dump: %v", err)
	}
	meta, err := dumpdir.ReadMetadata(dir)
	if err != nil {
		t.Fatal(err)
	}
	seqDump := domain0Seq(t, dumpdir.Map(meta.Source)["Executed_Gtid_Set"])
	total := committed.Load()
	if seqDump <= seq0 || seqDump-seq0 >= total {
		t.Fatalf("dump GTID position %d transactions after the workload began, of %d committed: the dump did not overlap the workload", seqDump-seq0, total)
	}
	if _, err := loader.Run(context.Background(), Config(b), loader.Options{Dir: dir, Threads: 3}); err != nil {
		t.Fatalf("load: %v", err)
	}
	dst := Open(t, b, "w")
	var sum, journal int64
	if err := dst.QueryRow("SELECT (SELECT SUM(bal) FROM src_acct) + (SELECT SUM(bal) FROM dst_acct), (SELECT COUNT(*) FROM journal)").Scan(&sum, &journal); err != nil {
		t.Fatal(err)
	}
	if sum != 2*accounts*start {
		t.Errorf("restored total %d, want %d: the dump saw a transfer half done", sum, 2*accounts*start)
	}
	if journal != seqDump-seq0 {
		t.Errorf("restored journal holds %d transfers, the dump's GTID position says %d were committed: the data is not the state at the recorded position", journal, seqDump-seq0)
	}
	for _, q := range []string{
		"SELECT COUNT(*) FROM src_acct s LEFT JOIN (SELECT src, SUM(amount) m FROM journal GROUP BY src) j ON j.src = s.id WHERE s.bal <> ? - IFNULL(j.m, 0)",
		"SELECT COUNT(*) FROM dst_acct d LEFT JOIN (SELECT dst, SUM(amount) m FROM journal GROUP BY dst) j ON j.dst = d.id WHERE d.bal <> ? + IFNULL(j.m, 0)",
	} {
		var bad int
		if err := dst.QueryRow(q, start).Scan(&bad); err != nil {
			t.Fatal(err)
		}
		if bad != 0 {
			t.Errorf("%d restored balances disagree with the restored journal: %s", bad, q)
		}
	}
	t.Logf("%d transfers committed in all, %d at the dump's position %s", total, journal, dumpdir.Map(meta.Source)["Executed_Gtid_Set"])
}

// transfer moves amount from src_acct row from to dst_acct row to and journals it, in one
// transaction, retrying on deadlock or lock wait timeout.
func transfer(db *sql.DB, from, to, amount int) error {
	for {
		tx, err := db.Begin()
		if err != nil {
			return err
		}
		_, err = tx.Exec("UPDATE src_acct SET bal = bal - ? WHERE id = ?", amount, from)
		if err == nil {
			_, err = tx.Exec("UPDATE dst_acct SET bal = bal + ? WHERE id = ?", amount, to)
		}
		if err == nil {
			_, err = tx.Exec("INSERT INTO journal (src, dst, amount) VALUES (?, ?, ?)", from, to, amount)
		}
		if err == nil {
			err = tx.Commit()
			if err == nil {
				return nil
			}
		} else {
			tx.Rollback()
		}
		var me *mysql.MySQLError
		if !errors.As(err, &me) || (me.Number != 1213 && me.Number != 1205) { // ER_LOCK_DEADLOCK, ER_LOCK_WAIT_TIMEOUT
			return err
		}
	}
}

// waitCommitted waits until committed reaches n. It returns the first error a writer sent on
// errs as soon as it is sent, or an error once timeout has passed.
func waitCommitted(committed *atomic.Int64, n int64, errs chan error, timeout time.Duration) error {
	deadline := time.After(timeout)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for committed.Load() < n {
		select {
		case err := <-errs:
			return err
		case <-deadline:
			return fmt.Errorf("%d of %d transfers committed after %s", committed.Load(), n, timeout)
		case <-tick.C:
		}
	}
	return nil
}

// TestWaitCommittedStopsOnWriterError checks that the workload wait ends when a writer fails
// before the workload is under way, and when nothing commits at all, instead of spinning.
func TestWaitCommittedStopsOnWriterError(t *testing.T) {
	var committed atomic.Int64
	errs := make(chan error, 1)
	errs <- errors.New("writer failed")
	start := time.Now()
	if err := waitCommitted(&committed, 200, errs, time.Minute); err == nil || err.Error() != "writer failed" {
		t.Fatalf("waitCommitted = %v, want the writer's error", err)
	}
	if err := waitCommitted(&committed, 200, make(chan error), 50*time.Millisecond); err == nil {
		t.Fatal("waitCommitted returned no error with nothing committed")
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("waitCommitted took %v", d)
	}
}
