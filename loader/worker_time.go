package loader

import (
	"log/slog"
	"time"

	"github.com/sluicedb/sluice/scheduler"
)

// workerTime is where each worker's time of a restore's data phase (scheduler.Load) went:
// per worker, seconds spent on data files, index builds and foreign keys; the rest of the
// phase's wall time it was idle (waiting for a job it was allowed to run, or finished).
// Each worker writes only its own entry, and the summary is read after Load returns.
type workerTime struct {
	start time.Time
	busy  [][3]time.Duration // [worker][kind]: DataJob, IndexJob, ConstraintJob
	jobs  []int              // jobs run per worker
}

func newWorkerTime(workers int) *workerTime {
	return &workerTime{start: time.Now(), busy: make([][3]time.Duration, workers), jobs: make([]int, workers)}
}

// add records that worker w ran a job of kind k for d.
func (t *workerTime) add(w int, k scheduler.Kind, d time.Duration) {
	if w < 0 || w >= len(t.busy) || int(k) < 0 || int(k) > 2 {
		return
	}
	t.busy[w][k] += d
	t.jobs[w]++
}

// log writes one line per worker ("worker time": data, index and constraint seconds, idle
// seconds, jobs) and one for the phase: its wall seconds and every worker's idle seconds
// summed, the share of the phase's worker time lost to idling.
func (t *workerTime) log(l *slog.Logger) {
	wall := time.Since(t.start)
	var idle time.Duration
	for w, b := range t.busy {
		i := max(0, wall-b[0]-b[1]-b[2])
		idle += i
		l.Info("worker time", "worker", w, "data_seconds", b[0].Seconds(), "index_seconds", b[1].Seconds(),
			"constraint_seconds", b[2].Seconds(), "idle_seconds", i.Seconds(), "jobs", t.jobs[w])
	}
	share := 0.0
	if n := time.Duration(len(t.busy)) * wall; n > 0 {
		share = float64(idle) / float64(n)
	}
	l.Info("data phase", "seconds", wall.Seconds(), "workers", len(t.busy), "idle_seconds", idle.Seconds(), "idle_share", share)
}
