package main

import (
	"context"
	"errors"

	"github.com/sluicedb/sluice/dumper"
	"github.com/sluicedb/sluice/internal/conn"
	"github.com/sluicedb/sluice/loader"
)

func dryRunDump(ctx context.Context, cfg conn.Config, o dumper.Options, u *ui, s *summary) error {
	return errors.New("not yet")
}

func dryRunLoad(ctx context.Context, cfg conn.Config, o loader.Options, u *ui, s *summary) error {
	return errors.New("not yet")
}
