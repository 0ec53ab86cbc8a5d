package dumper

// WithDriverRows returns o set to read rows through go-sql-driver's rows instead of the
// dumper's own result-set reader, so tests in package dumper_test can compare the two.
func WithDriverRows(o Options) Options {
	o.driverRows = true
	return o
}

// WithAfterCatalog returns o set to call f once the catalog is read and before the lock is
// taken, so tests can change the schema in that gap.
func WithAfterCatalog(o Options, f func()) Options {
	o.afterCatalog = f
	return o
}

// WithBeforeSchemas returns o set to call f when the schema stage starts, before its first
// SHOW CREATE.
func WithBeforeSchemas(o Options, f func()) Options {
	o.beforeSchemas = f
	return o
}

// WithSyncDir returns o set to call sync instead of dumpdir.SyncDir, so tests can check when the
// dump directory is synced.
func WithSyncDir(o Options, sync func(dir string) error) Options {
	o.syncDir = sync
	return o
}
