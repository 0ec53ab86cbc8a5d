package catalog

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/sluicedb/sluice/internal/dumpdir"
)

var ctx = context.Background()

var now = time.Date(2026, 3, 15, 12, 0, 0, 0, time.Local)

// complete writes a complete dump started at t under parent, as the dumper leaves one:
// files, metadata, a status that says complete; encrypted when rs is given.
func complete(t *testing.T, parent, name string, start time.Time, rs []age.Recipient) {
	t.Helper()
	dir := filepath.Join(parent, name)
	os.MkdirAll(dir, dumpdir.DirMode)
	d := dumpdir.Local(dir)
	d.Encrypt(rs)
	fi, err := d.WriteFile(ctx, "00000001.sql", []byte("CREATE TABLE `t` (id int);\n"))
	if err != nil {
		t.Fatal(err)
	}
	m := &dumpdir.Metadata{Started: start, Finished: start.Add(90 * time.Second),
		Source: [][2]string{{"Executed_Gtid_Set", "0-1-42"}, {"flavor", "mariadb"}, {"version", "10.11.6-MariaDB"}, {"server_id", "7"}},
		Tables: []dumpdir.Table{{Database: "d", Name: "t", Kind: dumpdir.KindTable, Rows: 12}},
		Files:  map[string]dumpdir.FileInfo{fi.Name: fi}}
	if err := m.Save(ctx, d); err != nil {
		t.Fatal(err)
	}
	st := dumpdir.Status{State: dumpdir.StateComplete, Started: start, Heartbeat: m.Finished, Finished: m.Finished, PID: 1}
	if rs != nil {
		st.Encryption = "age"
	}
	if err := d.WriteStatus(ctx, st); err != nil {
		t.Fatal(err)
	}
}

// unfinished writes a dump without metadata whose status is state with the given heartbeat.
func unfinished(t *testing.T, parent, name string, start time.Time, state string, heartbeat time.Time) {
	t.Helper()
	dir := filepath.Join(parent, name)
	os.MkdirAll(dir, dumpdir.DirMode)
	if _, err := dumpdir.WriteFile(dir, "00000001.sql", []byte("partial")); err != nil {
		t.Fatal(err)
	}
	if err := dumpdir.Local(dir).WriteStatus(ctx, dumpdir.Status{State: state, Started: start, Heartbeat: heartbeat, PID: 2}); err != nil {
		t.Fatal(err)
	}
}

// TestListStates lists complete (clear and encrypted), running, stale and failed dumps and a
// directory that is no dump, newest first.
func TestListStates(t *testing.T) {
	parent := t.TempDir()
	id, _ := age.GenerateX25519Identity()
	complete(t, parent, "a-clear", now.Add(-72*time.Hour), nil)
	complete(t, parent, "b-encrypted", now.Add(-48*time.Hour), []age.Recipient{id.Recipient()})
	unfinished(t, parent, "c-failed", now.Add(-36*time.Hour), dumpdir.StateFailed, now.Add(-36*time.Hour))
	unfinished(t, parent, "d-stale", now.Add(-24*time.Hour), dumpdir.StateRunning, now.Add(-23*time.Hour))
	unfinished(t, parent, "e-running", now.Add(-2*time.Hour), dumpdir.StateRunning, now.Add(-30*time.Second))
	os.MkdirAll(filepath.Join(parent, "not-a-dump"), 0o700)
	os.WriteFile(filepath.Join(parent, "not-a-dump", "x"), []byte("x"), 0o600)

	dumps, err := List(ctx, dumpdir.Local(parent), Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range dumps {
		got = append(got, d.Name+"="+d.State)
	}
	want := "e-running=running d-stale=stale c-failed=failed b-encrypted=complete a-clear=complete"
	if strings.Join(got, " ") != want {
		t.Fatalf("list: %s\nwant: %s", strings.Join(got, " "), want)
	}
	clear, enc := dumps[4], dumps[3]
	if !clear.Details || clear.Tables != 1 || clear.Rows != 12 || clear.GTIDSet != "0-1-42" || clear.Duration != 90*time.Second || clear.Encrypted || clear.Bytes == 0 {
		t.Errorf("clear dump: %+v", clear)
	}
	if enc.Details || !enc.Encrypted || enc.Tables != 0 || enc.Duration != 90*time.Second || !strings.Contains(enc.Note, "--decrypt-identity") {
		t.Errorf("encrypted dump without identity: %+v", enc)
	}
	dumps, _ = List(ctx, dumpdir.Local(parent), Options{Now: now, Identities: []age.Identity{id}})
	if enc = dumps[3]; !enc.Details || enc.Rows != 12 || enc.ServerID != 7 {
		t.Errorf("encrypted dump with identity: %+v", enc)
	}
	if _, err := List(ctx, dumpdir.Local(filepath.Join(parent, "a-clear")), Options{}); err == nil || !strings.Contains(err.Error(), "give its parent") {
		t.Errorf("list of a dump directory itself: %v", err)
	}
	stranger, _ := age.GenerateX25519Identity()
	dumps, _ = List(ctx, dumpdir.Local(parent), Options{Now: now, Identities: []age.Identity{stranger}})
	if enc = dumps[3]; enc.Details || enc.State != Complete || !strings.Contains(enc.Note, "not one this dump was encrypted to") {
		t.Errorf("encrypted dump with the wrong identity: %+v", enc)
	}
}

// TestPrune runs prune (dry run, then for real) over complete, running, stale and failed
// dumps: the running one stays, the stale and failed ones go, and the policy picks among the
// complete ones.
func TestPrune(t *testing.T) {
	parent := t.TempDir()
	for i := 0; i < 5; i++ {
		complete(t, parent, fmt.Sprintf("c%d", i), now.Add(-time.Duration(5-i)*24*time.Hour), nil)
	}
	unfinished(t, parent, "failed", now.Add(-10*time.Hour), dumpdir.StateFailed, now.Add(-10*time.Hour))
	unfinished(t, parent, "stale", now.Add(-5*time.Hour), dumpdir.StateRunning, now.Add(-4*time.Hour))
	unfinished(t, parent, "live", now.Add(-3*time.Hour), dumpdir.StateRunning, now.Add(-time.Minute))
	os.MkdirAll(filepath.Join(parent, "other"), 0o700)
	o := Options{Now: now}
	plan, err := Prune(ctx, dumpdir.Local(parent), Policy{KeepLast: 2}, o, true)
	if err != nil {
		t.Fatal(err)
	}
	left := func() string {
		e, _ := os.ReadDir(parent)
		var n []string
		for _, x := range e {
			n = append(n, x.Name())
		}
		return strings.Join(n, " ")
	}
	if left() != "c0 c1 c2 c3 c4 failed live other stale" {
		t.Fatalf("dry run removed something: %s", left())
	}
	removed := map[string]bool{}
	for _, d := range plan {
		removed[d.Dump.Name] = d.Remove
	}
	if _, err := Prune(ctx, dumpdir.Local(parent), Policy{KeepLast: 2}, o, false); err != nil {
		t.Fatal(err)
	}
	if got := left(); got != "c3 c4 live other" {
		t.Fatalf("after prune --keep-last 2: %s (plan %v)", got, removed)
	}
	if _, err := Prune(ctx, dumpdir.Local(parent), Policy{}, o, false); err == nil {
		t.Fatal("a prune without a policy was accepted")
	}
	// The live dump stays whatever its age; once its heartbeat stops it goes.
	o.Now = now.Add(time.Hour)
	if _, err := Prune(ctx, dumpdir.Local(parent), Policy{KeepLast: 1}, o, false); err != nil {
		t.Fatal(err)
	}
	if got := left(); got != "c4 other" {
		t.Fatalf("after the live dump went stale: %s", got)
	}
}

// TestPolicyRestic checks the daily, weekly and monthly rules against restic's forget: going
// from the newest dump back, the newest of each day (week, month) until N buckets are kept.
func TestPolicyRestic(t *testing.T) {
	var dumps []Dump
	// Two dumps a day at 01:00 and 13:00 from 2026-03-14 back 90 days.
	start := time.Date(2026, 3, 14, 13, 0, 0, 0, time.Local)
	for i := 0; i < 180; i++ {
		ts := start.Add(-time.Duration(i) * 12 * time.Hour)
		dumps = append(dumps, Dump{Name: ts.Format("2006-01-02T15"), Path: ts.Format("2006-01-02T15"), State: Complete, Started: ts})
	}
	kept := func(p Policy) []string {
		var k []string
		for _, d := range Plan(dumps, p, Options{Now: now}) {
			if !d.Remove {
				k = append(k, d.Dump.Name)
			}
		}
		return k
	}
	if got := kept(Policy{KeepLast: 3}); strings.Join(got, " ") != "2026-03-14T13 2026-03-14T01 2026-03-13T13" {
		t.Errorf("keep-last 3: %v", got)
	}
	if got := kept(Policy{KeepDaily: 3}); strings.Join(got, " ") != "2026-03-14T13 2026-03-13T13 2026-03-12T13" {
		t.Errorf("keep-daily 3: %v", got)
	}
	// 2026-03-14 is a Saturday: ISO weeks start on Monday (03-09, 03-02, 02-23).
	if got := kept(Policy{KeepWeekly: 3}); strings.Join(got, " ") != "2026-03-14T13 2026-03-08T13 2026-03-01T13" {
		t.Errorf("keep-weekly 3: %v", got)
	}
	if got := kept(Policy{KeepMonthly: 3}); strings.Join(got, " ") != "2026-03-14T13 2026-02-28T13 2026-01-31T13" {
		t.Errorf("keep-monthly 3: %v", got)
	}
	got := kept(Policy{KeepLast: 1, KeepDaily: 2, KeepMonthly: 2})
	if strings.Join(got, " ") != "2026-03-14T13 2026-03-13T13 2026-02-28T13" {
		t.Errorf("keep-last 1 keep-daily 2 keep-monthly 2: %v", got)
	}
}

// TestNewestCompleteSurvives builds random mixes of complete, running, stale, failed and
// damaged dumps and random policies, and checks the rules every plan must keep: the newest
// complete dump and every running dump stay; stale and failed dumps go; nothing else is
// removed that the policy's own rules keep.
func TestNewestCompleteSurvives(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	states := []string{Complete, Complete, Complete, Running, Stale, Failed, Damaged}
	for iter := 0; iter < 2000; iter++ {
		n := 1 + rng.IntN(30)
		var dumps []Dump
		ts := now
		for i := 0; i < n; i++ {
			ts = ts.Add(-time.Duration(1+rng.IntN(72)) * time.Hour)
			dumps = append(dumps, Dump{Name: fmt.Sprint(i), Path: fmt.Sprint(i), State: states[rng.IntN(len(states))], Started: ts})
		}
		p := Policy{KeepLast: rng.IntN(3), KeepDaily: rng.IntN(3), KeepWeekly: rng.IntN(3), KeepMonthly: rng.IntN(3)}
		if p.Check() != nil {
			p.KeepMonthly = 1
		}
		newest := -1
		for i, d := range dumps {
			if d.State == Complete {
				newest = i
				break
			}
		}
		for i, d := range Plan(dumps, p, Options{Now: now}) {
			switch {
			case i == newest && d.Remove:
				t.Fatalf("policy %+v removed the newest complete dump %d of %v", p, i, dumps)
			case d.Dump.State == Running && d.Remove:
				t.Fatalf("policy %+v removed a running dump", p)
			case (d.Dump.State == Stale || d.Dump.State == Failed) && !d.Remove:
				t.Fatalf("policy %+v kept a %s dump", p, d.Dump.State)
			}
		}
	}
}
