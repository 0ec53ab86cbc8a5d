package roundtrip

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
)

// Shape of the replication workload's database.
const (
	wlDB          = "shop"
	wlAccounts    = 200
	wlBalance     = 1000  // initial balance of every account
	wlOrders      = 30000 // seeded orders
	wlEvents      = 20000 // seeded events
	wlTotalAmount = wlAccounts * wlBalance
)

// seedWorkload creates the workload's database on db: accounts (whose balances always sum to
// wlTotalAmount), orders and events (inserted, updated and deleted by the workload), and
// stock (updated only).
func seedWorkload(t *testing.T, db *sql.DB) {
	t.Helper()
	Exec(t, db,
		"CREATE DATABASE "+wlDB,
		"CREATE TABLE shop.accounts (id INT PRIMARY KEY, balance BIGINT NOT NULL, updated_at DATETIME(6) NULL)",
		"CREATE TABLE shop.orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, account INT NOT NULL, qty INT NOT NULL, note VARCHAR(64) NOT NULL, KEY (account))",
		"CREATE TABLE shop.events (id BIGINT AUTO_INCREMENT PRIMARY KEY, kind VARCHAR(16) NOT NULL, payload TEXT)",
		"CREATE TABLE shop.stock (sku INT PRIMARY KEY, qty INT NOT NULL, price DECIMAL(10,2) NOT NULL)",
		fmt.Sprintf("INSERT INTO shop.accounts SELECT seq, %d, NULL FROM shop.seq_1_to_%d", wlBalance, wlAccounts),
		fmt.Sprintf("INSERT INTO shop.orders (account, qty, note) SELECT 1 + seq %% %d, seq %% 17, CONCAT('seed ', seq) FROM shop.seq_1_to_%d", wlAccounts, wlOrders),
		fmt.Sprintf("INSERT INTO shop.events (kind, payload) SELECT 'seed', REPEAT('x', seq %% 200) FROM shop.seq_1_to_%d", wlEvents),
		"INSERT INTO shop.stock SELECT seq, 100, seq / 7 FROM shop.seq_1_to_500",
	)
}

// workload is a bounded concurrent write load on the workload's database: workers run
// inserts, updates and deletes over orders, events and stock, and transactions moving amounts
// between two accounts, until they have run maxOps operations between them, maxTime has passed,
// or stop is called.
type workload struct {
	rows   atomic.Int64 // rows written (affected) by committed statements
	ops    atomic.Int64 // operations committed
	cancel context.CancelFunc
	wg     sync.WaitGroup
	mu     sync.Mutex
	err    error
	ended  time.Time
}

// startWorkload starts workers goroutines writing to db.
func startWorkload(db *sql.DB, workers int, maxOps int64, maxTime time.Duration) *workload {
	ctx, cancel := context.WithTimeout(context.Background(), maxTime)
	w := &workload{cancel: cancel}
	for i := range workers {
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			r := rand.New(rand.NewPCG(uint64(i), 42))
			for ctx.Err() == nil && w.ops.Load() < maxOps {
				n, err := w.op(ctx, db, r)
				if err != nil {
					if ctx.Err() != nil {
						break
					}
					if retryable(err) {
						continue
					}
					w.fail(err)
					break
				}
				w.rows.Add(n)
				w.ops.Add(1)
			}
			w.mu.Lock()
			w.ended = time.Now()
			w.mu.Unlock()
		}()
	}
	return w
}

// retryable: a deadlock or lock wait timeout rolls the transaction back; try another.
func retryable(err error) bool {
	var me *mysql.MySQLError
	return errors.As(err, &me) && (me.Number == 1213 || me.Number == 1205)
}

func (w *workload) fail(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err == nil {
		w.err = err
	}
}

// stop ends the workload, waits for the workers, and returns the first error and when the
// last worker ended.
func (w *workload) stop() (time.Time, error) {
	w.cancel()
	w.wg.Wait()
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.ended, w.err
}

// op runs one operation and returns the rows it wrote.
func (w *workload) op(ctx context.Context, db *sql.DB, r *rand.Rand) (int64, error) {
	exec := func(q string, args ...any) (int64, error) {
		res, err := db.ExecContext(ctx, q, args...)
		if err != nil {
			return 0, err
		}
		return res.RowsAffected()
	}
	switch k := r.IntN(10); {
	case k < 3:
		return w.transfer(ctx, db, r)
	case k < 5:
		return exec("INSERT INTO shop.orders (account, qty, note) VALUES (?, ?, ?)",
			1+r.IntN(wlAccounts), r.IntN(50), fmt.Sprintf("live %d", r.Uint32()))
	case k < 6:
		return exec("UPDATE shop.orders SET qty = qty + 1, note = CONCAT('upd ', id) WHERE id = ?", 1+r.IntN(wlOrders*2))
	case k < 7:
		return exec("DELETE FROM shop.orders WHERE id = ?", 1+r.IntN(wlOrders*2))
	case k < 8:
		return exec("INSERT INTO shop.events (kind, payload) VALUES ('live', REPEAT(?, ?))", "ab", r.IntN(300))
	case k < 9:
		id := 1 + r.IntN(wlEvents*2)
		return exec("DELETE FROM shop.events WHERE id BETWEEN ? AND ?", id, id+2)
	default:
		return exec("UPDATE shop.stock SET qty = qty - 1, price = price + 0.01 WHERE sku = ?", 1+r.IntN(500))
	}
}

// transfer moves an amount between two accounts in one transaction, locking the lower id
// first; the total is unchanged whether it commits or rolls back.
func (w *workload) transfer(ctx context.Context, db *sql.DB, r *rand.Rand) (int64, error) {
	a, b := 1+r.IntN(wlAccounts), 1+r.IntN(wlAccounts)
	if a == b {
		return 0, nil
	}
	amount := 1 + r.IntN(50)
	if a > b {
		a, b, amount = b, a, -amount
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	var n int64
	for _, s := range []struct {
		id    int
		delta int
	}{{a, -amount}, {b, amount}} {
		res, err := tx.ExecContext(ctx, "UPDATE shop.accounts SET balance = balance + ?, updated_at = NOW(6) WHERE id = ?", s.delta, s.id)
		if err != nil {
			return 0, err
		}
		m, _ := res.RowsAffected()
		n += m
	}
	return n, tx.Commit()
}

// totalBalance returns the sum of the accounts' balances.
func totalBalance(t *testing.T, db *sql.DB) int64 {
	t.Helper()
	var n int64
	if err := db.QueryRow("SELECT SUM(balance) FROM shop.accounts").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
