package warning

import (
	"fmt"
	"log/slog"
	"sync/atomic"
)

// Counter logs and counts warnings; it is safe for concurrent use. The zero value logs nowhere
// and is not strict.
type Counter struct {
	Log    *slog.Logger // where warnings are logged; nil for nowhere
	Strict bool         // --strict: Warn returns an error instead of counting
	n      atomic.Int64
}

// Warn reports the warning name (a short snake_case key, e.g. "not_a_replica") with a constant
// message and slog attributes. It logs and counts it and returns nil; with c.Strict it returns
// a *StrictError instead, which the caller returns as its error.
func (c *Counter) Warn(name, msg string, args ...any) error {
	if c.Strict {
		return &StrictError{Name: name, Message: msg}
	}
	c.n.Add(1)
	if c.Log != nil {
		c.Log.Warn(msg, append([]any{"warning", name}, args...)...)
	}
	return nil
}

// Count returns the warnings counted so far.
func (c *Counter) Count() int { return int(c.n.Load()) }

// StrictError is a warning that --strict made a failure.
type StrictError struct {
	Name    string // the warning's name
	Message string // its message
}

func (e *StrictError) Error() string {
	return fmt.Sprintf("%s (warning %s, a failure with --strict: run without --strict to accept it)", e.Message, e.Name)
}
