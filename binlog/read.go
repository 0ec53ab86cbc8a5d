package binlog

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// errStop, returned by an eachEvent callback, ends the walk without an error.
var errStop = errors.New("stop")

// eachEvent calls fn with each event of the archive's file fi (its first fi.Size bytes, the
// durable ones), in order, until fn returns an error (errStop: stop quietly). Errors name the
// file: not a binlog file, a corrupt or truncated event.
func eachEvent(dir string, fi IndexFile, fn func(ev []byte, h header) error) error {
	path := filepath.Join(dir, fi.Name)
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	br := bufio.NewReaderSize(io.LimitReader(f, fi.Size), 1<<20)
	var m [4]byte
	if _, err := io.ReadFull(br, m[:]); err != nil || !bytes.Equal(m[:], magic) {
		return fmt.Errorf("%s: not a binlog file", path)
	}
	for {
		var hb [headerLen]byte
		if _, err := io.ReadFull(br, hb[:]); err == io.EOF {
			return nil
		} else if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		size := binary.LittleEndian.Uint32(hb[9:])
		if size < headerLen {
			return fmt.Errorf("%s: corrupt event header", path)
		}
		ev := make([]byte, size)
		copy(ev, hb[:])
		if _, err := io.ReadFull(br, ev[headerLen:]); err != nil {
			return fmt.Errorf("%s: truncated event: %w", path, err)
		}
		h, err := parseHeader(ev)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if err := fn(ev, h); errors.Is(err, errStop) {
			return nil
		} else if err != nil {
			return err
		}
	}
}
