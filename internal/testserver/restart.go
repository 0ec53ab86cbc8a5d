package testserver

import (
	"context"
	"errors"
	"fmt"
	"syscall"
	"time"
)

// Kill ends mariadbd with SIGKILL, as a crash or a power cut would, and waits for it to exit.
// The datadir stays; Restart starts the server on it again.
func (s *Server) Kill() error {
	s.mu.Lock()
	cmd, exited := s.cmd, s.exited
	s.cmd, s.exited = nil, nil
	s.mu.Unlock()
	if cmd == nil {
		return errors.New("testserver: Kill: the server is not running")
	}
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); err != nil {
		return fmt.Errorf("testserver: SIGKILL mariadbd pid %d: %w", cmd.Process.Pid, err)
	}
	<-exited
	return nil
}

// Restart stops mariadbd (SIGTERM, waiting up to 60 s) unless Kill did, and starts it again on
// the same datadir and port, with the options it was started with; a Galera node rejoins its
// cluster (by IST when the donor's gcache still holds what it missed).
func (s *Server) Restart(ctx context.Context) error {
	if err := s.shutdown(); err != nil {
		return err
	}
	return s.launch(ctx, s.opts)
}

// shutdown stops mariadbd, if running, with SIGTERM (SIGKILL after 60 s) and waits for it;
// the datadir stays.
func (s *Server) shutdown() error {
	s.mu.Lock()
	cmd, exited := s.cmd, s.exited
	s.cmd, s.exited = nil, nil
	s.mu.Unlock()
	if cmd == nil {
		return nil
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
		return nil
	case <-time.After(shutdownTimeout):
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-exited
		return fmt.Errorf("testserver: mariadbd pid %d ignored SIGTERM for %s; killed", cmd.Process.Pid, shutdownTimeout)
	}
}
