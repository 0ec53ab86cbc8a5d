package wire

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"testing"
	"time"
)

// BenchmarkResultSetReader measures the result-set reader (resultset.go) on a
// result set of 100,000 sysbench-shaped rows held in memory: packet framing and cutting each
// row into its values, without a socket.
func BenchmarkResultSetReader(b *testing.B) {
	var buf bytes.Buffer
	s := &fakeServer{conn: nopConn{&buf}}
	c := bytes.Repeat([]byte("83868641912-"), 10)
	pad := bytes.Repeat([]byte("6784796737-"), 5)
	rows := make([][][]byte, 100000)
	for i := range rows {
		rows[i] = [][]byte{fmt.Appendf(nil, "%d", i), fmt.Appendf(nil, "%d", i*7%1000000), c, pad}
	}
	s.resultSet(true, 4, rows)
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		wc := &Conn{r: bufio.NewReaderSize(bytes.NewReader(data), readBufferSize)}
		n := 0
		err := readResultSet(&packetReader{c: wc}, true, 4, func([]byte, [][]byte) error { n++; return nil })
		if err != nil || n != len(rows) {
			b.Fatalf("%d rows, %v", n, err)
		}
	}
}

// nopConn is a net.Conn that only writes, into a buffer.
type nopConn struct{ w io.Writer }

func (c nopConn) Write(p []byte) (int, error)    { return c.w.Write(p) }
func (nopConn) Read([]byte) (int, error)         { return 0, io.EOF }
func (nopConn) Close() error                     { return nil }
func (nopConn) LocalAddr() net.Addr              { return nil }
func (nopConn) RemoteAddr() net.Addr             { return nil }
func (nopConn) SetDeadline(time.Time) error      { return nil }
func (nopConn) SetReadDeadline(time.Time) error  { return nil }
func (nopConn) SetWriteDeadline(time.Time) error { return nil }
