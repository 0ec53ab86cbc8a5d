package bench

import (
	"os"
	"path/filepath"
	"testing"
)

// TestPeerPath checks that -peer-bin picks mydumper and myloader from its directory (and is
// then what peerInstalled looks for), leaving the other peers on PATH.
func TestPeerPath(t *testing.T) {
	dir := t.TempDir()
	o := Options{PeerBin: dir}
	if got, want := o.peerPath(ToolMyloader), filepath.Join(dir, ToolMyloader); got != want {
		t.Errorf("peerPath(myloader) = %q, want %q", got, want)
	}
	if got := o.peerPath(ToolMariadb); got != ToolMariadb {
		t.Errorf("peerPath(mariadb) = %q, want it on PATH", got)
	}
	if got := (Options{}).peerPath(ToolMydumper); got != ToolMydumper {
		t.Errorf("without PeerBin peerPath(mydumper) = %q, want %q", got, ToolMydumper)
	}
	if o.peerInstalled(ToolMydumper) {
		t.Errorf("peerInstalled(mydumper) with an empty -peer-bin directory = true")
	}
	if err := os.WriteFile(filepath.Join(dir, ToolMydumper), []byte("#!/bin/sh\necho mydumper test-build\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	if !o.peerInstalled(ToolMydumper) {
		t.Errorf("peerInstalled(mydumper) = false with an executable in -peer-bin")
	}
	if v := o.peerVersion(t.Context(), ToolMydumper); v != "mydumper test-build" {
		t.Errorf("peerVersion = %q, want the -peer-bin build's line", v)
	}
}
