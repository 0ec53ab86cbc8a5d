package dumper

import "github.com/sluicedb/sluice/internal/progress"

// Progress receives a dump's progress (package progress): Report about once a second with the
// rows and bytes (before compression) written so far against the information_schema estimates
// (TABLE_ROWS, DATA_LENGTH) of the tables whose data is dumped, and Done once at the end. The
// dumper declares it and the command line prints it (restic's design); a nil Options.Progress
// reports nowhere.
type Progress = progress.Reporter
