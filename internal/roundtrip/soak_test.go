package roundtrip

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/testserver"
	"github.com/sluicedb/sluice/loader"
)

// soakRounds is how many dump/load round trips TestSoakHardValues runs: 20, or
// SLUICE_SOAK_ROUNDS. CI runs the default.
func soakRounds(t *testing.T) int {
	if v := os.Getenv("SLUICE_SOAK_ROUNDS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("SLUICE_SOAK_ROUNDS=%q: want a positive number", v)
		}
		return n
	}
	return 20
}

// hardColumns are every column of HardValuesTable, generated and INVISIBLE ones included.
var hardColumns = strings.Fields("ti tiu si siu mi miu i iu bi biu f d dec1 dec2 b1 b64 dt dtm dtm6 ts tm tm6 yr e st " +
	"c vc tx lt l1 u4 bn vb bl lb js g pt gen_v gen_s inv")

// hardStored are the columns of HardValuesTable an INSERT can write (not generated).
var hardStored = strings.Fields("ti tiu si siu mi miu i iu bi biu f d dec1 dec2 b1 b64 dt dtm dtm6 ts tm tm6 yr e st " +
	"c vc tx lt l1 u4 bn vb bl lb js g pt inv")

// TestSoakHardValues runs soakRounds dump/load round trips of the hard-values table while two
// writers keep changing the same database: each writer transaction inserts a whole copy of the
// hard rows (but the 8 MB one) into hard_live under a new id range, or deletes an older copy,
// then pauses 5 ms.
// Every round is verified: hard equals the source by CHECKSUM TABLE; hard_live holds only whole
// copies (the dump saw no transaction half done), each row equal, column by column, to the row
// it copies; and the writers had committed since the previous round (the dump overlapped them).
func TestSoakHardValues(t *testing.T) {
	rounds := soakRounds(t)
	a := testserver.ForTest(t, testserver.Options{})
	b := testserver.ForTest(t, testserver.Options{})
	src := Open(t, a, "")
	src.SetMaxOpenConns(1)
	CreateHardValues(t, src, "soak")
	Exec(t, src, "CREATE TABLE soak.hard_live LIKE soak.hard")
	var copyRows int
	if err := src.QueryRow("SELECT COUNT(*) FROM soak.hard WHERE id <> 17").Scan(&copyRows); err != nil {
		t.Fatal(err)
	}

	w := Open(t, a, "soak")
	w.SetMaxOpenConns(2)
	var committed, next atomic.Int64
	stop := make(chan struct{})
	errs := make(chan error, 2)
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				n := next.Add(1)
				if err := soakWrite(w, n); err != nil {
					errs <- fmt.Errorf("copy %d: %w", n, err)
					return
				}
				committed.Add(1)
				time.Sleep(5 * time.Millisecond) // a steady load, not a flood the dump cannot finish
			}
		}()
	}
	defer func() {
		close(stop)
		wg.Wait()
	}()
	if err := waitCommitted(&committed, 10, errs, time.Minute); err != nil {
		t.Fatalf("write load: %v", err)
	}

	ctx := context.Background()
	dst := Open(t, b, "")
	start := time.Now()
	var copies int
	for r := range rounds {
		before := committed.Load()
		dir := t.TempDir() + "/dump"
		format := []string{dumper.FormatSQL, dumper.FormatTSV}[r%2]
		if _, err := dumper.Run(ctx, Config(a), dumper.Options{OutDir: dir, Databases: []string{"soak"}, Threads: 2, Rows: 40, Format: format}); err != nil {
			t.Fatalf("round %d: dump: %v", r+1, err)
		}
		target := fmt.Sprintf("soak_r%d", r+1)
		if _, err := loader.Run(ctx, Config(b), loader.Options{Dir: dir, TargetDB: target, Threads: 2}); err != nil {
			t.Fatalf("round %d: load: %v", r+1, err)
		}
		want, got := checksum(t, src, "soak.hard"), checksum(t, dst, target+".hard")
		if want != got {
			t.Fatalf("round %d (%s): hard has CHECKSUM %s after the round trip, %s on the source", r+1, format, got, want)
		}
		n := soakVerify(t, dst, target, copyRows)
		copies += n
		Exec(t, dst, "DROP DATABASE "+target)
		select {
		case err := <-errs:
			t.Fatalf("round %d: write load: %v", r+1, err)
		default:
		}
		if committed.Load() == before {
			t.Fatalf("round %d: no write committed during the round: the dump did not overlap the write load", r+1)
		}
		os.RemoveAll(dir)
	}
	t.Logf("%d rounds in %v; %d writer transactions committed; %d whole copies verified", rounds, time.Since(start).Round(time.Millisecond), committed.Load(), copies)
}

// soakWrite is one writer transaction: an odd n inserts copy n of the hard rows (but id 17)
// with ids n*1000 + id, an even n deletes copy n-5, so that a few copies are alive at a time.
func soakWrite(w *sql.DB, n int64) error {
	tx, err := w.Begin()
	if err != nil {
		return err
	}
	// Zero dates and the out-of-range gen_v of the extreme row are stored as on the source.
	if _, err = tx.Exec("SET SESSION sql_mode = ''"); err != nil {
		tx.Rollback()
		return err
	}
	if n%2 == 0 {
		_, err = tx.Exec("DELETE FROM hard_live WHERE id >= ? AND id < ?", (n-5)*1000, (n-4)*1000)
	} else {
		cols := strings.Join(hardStored, ", ")
		_, err = tx.Exec(fmt.Sprintf("INSERT INTO hard_live (id, %s) SELECT ? + id, %s FROM hard WHERE id <> 17", cols, cols), n*1000)
	}
	if err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// soakVerify checks the restored hard_live of database db: every copy whole, every row equal to
// the hard row it copies. It returns the number of copies.
func soakVerify(t *testing.T, d *sql.DB, db string, copyRows int) int {
	t.Helper()
	var partial, copies int
	q := fmt.Sprintf("SELECT COUNT(*), COALESCE(SUM(n <> %d), 0) FROM (SELECT id DIV 1000 AS copy_no, COUNT(*) AS n FROM %s.hard_live GROUP BY copy_no) x", copyRows, db)
	if err := d.QueryRow(q).Scan(&copies, &partial); err != nil {
		t.Fatal(err)
	}
	if partial > 0 {
		rows, _ := d.Query(fmt.Sprintf("SELECT id DIV 1000, COUNT(*), GROUP_CONCAT(id MOD 1000 ORDER BY id) FROM %s.hard_live GROUP BY 1", db))
		for rows != nil && rows.Next() {
			var c, n int
			var ids string
			rows.Scan(&c, &n, &ids)
			t.Logf("copy %d: %d rows: %s", c, n, ids)
		}
		t.Fatalf("%s.hard_live: %d of %d copies are not whole: the dump saw a transaction half done", db, partial, copies)
	}
	var same []string
	for _, c := range hardColumns {
		same = append(same, fmt.Sprintf("l.%s <=> h.%s", c, c))
	}
	var differ int
	q = fmt.Sprintf("SELECT COUNT(*) FROM %s.hard_live l LEFT JOIN %s.hard h ON h.id = l.id MOD 1000 WHERE NOT (%s)", db, db, strings.Join(same, " AND "))
	if err := d.QueryRow(q).Scan(&differ); err != nil {
		t.Fatal(err)
	}
	if differ > 0 {
		t.Fatalf("%s.hard_live: %d rows differ from the hard rows they copy", db, differ)
	}
	return copies
}

// checksum returns CHECKSUM TABLE's value for table (db.name).
func checksum(t *testing.T, d *sql.DB, table string) string {
	t.Helper()
	var name string
	var sum sql.NullString
	if err := d.QueryRow("CHECKSUM TABLE "+table).Scan(&name, &sum); err != nil || !sum.Valid {
		t.Fatalf("CHECKSUM TABLE %s: %v %v", table, sum, err)
	}
	return sum.String
}
