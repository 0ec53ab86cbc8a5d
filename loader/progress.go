package loader

import "github.com/sluicedb/sluice/internal/progress"

// Progress receives a restore's progress (package progress): Report about once a second and
// Done once at the end, with the tables whose data, indexes and foreign keys are in, the bytes
// of data files (on disk, as the metadata counts them) and rows (from the metadata, estimated
// per file from its size) loaded, and the index and foreign-key builds running. The UI layer
// (cmd/sluice) prints them; a nil Options.Progress reports nowhere.
type Progress = progress.Reporter
