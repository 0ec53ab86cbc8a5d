package wire

import (
	"errors"
	"net"
	"os"
	"sync/atomic"
	"time"
)

// batchWait is how long a worker streaming a result set waits for readBufferSize bytes to
// arrive before it reads whatever there is: the end of a result set, or a slow one, is less.
const batchWait = 2 * time.Millisecond

// errStopped is returned by a socketReader whose query's context is done.
var errStopped = errors.New("query stopped")

// socketReader is what a Conn's read buffer fills from: the socket, read as it comes, or,
// once a result set has proved large (readBufferSize bytes read), in batches of that size. A worker
// reads faster than a server thread sends, so reading as data comes means a wake-up for every
// few kilobytes (30,000 context switches in a dump of 5M rows), each of which costs CPU and
// preempts the server; with batches the dump wakes about 5,000 times and uses half the CPU
// (measured on indexed 4x1.25M, -t 2: 1.24 s -> 0.67 s of user and system time).
type socketReader struct {
	c        net.Conn
	batching bool        // SO_RCVLOWAT is readBufferSize; reads wait at most batchWait
	stopped  atomic.Bool // the query's context is done: Read gives up instead of waiting again
}

// Read fills p from the socket. When batching, the socket wakes the reader once
// readBufferSize bytes are there (SO_RCVLOWAT, socket(7)); a read that finds fewer after
// batchWait takes what there is, since a non-blocking read(2) ignores SO_RCVLOWAT.
func (s *socketReader) Read(p []byte) (int, error) {
	if !s.batching {
		return s.c.Read(p)
	}
	for {
		if s.stopped.Load() {
			return 0, errStopped
		}
		_ = s.c.SetReadDeadline(time.Now().Add(batchWait))
		n, err := s.c.Read(p)
		if n == 0 && errors.Is(err, os.ErrDeadlineExceeded) {
			continue
		}
		return n, err
	}
}

// batch turns batching on or off. Where the socket has no SO_RCVLOWAT (not Linux, or not a
// socket of the kernel's), reads stay as they come.
func (s *socketReader) batch(on bool) {
	lowat := 1 // the default: wake for any data
	if on {
		lowat = readBufferSize
	}
	if err := setRcvLowat(s.c, lowat); err != nil {
		return
	}
	s.batching = on
	if !on && !s.stopped.Load() {
		_ = s.c.SetReadDeadline(time.Time{})
	}
}

// stop makes reads give up and wakes a waiting one; for the query's context being done.
func (s *socketReader) stop() {
	s.stopped.Store(true)
	_ = s.c.SetDeadline(time.Unix(1, 0))
}
