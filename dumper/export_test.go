package dumper

// WithDriverRows returns o set to read rows through go-sql-driver's rows instead of the
// dumper's own result-set reader, so tests in package dumper_test can compare the two.
func WithDriverRows(o Options) Options {
	o.driverRows = true
	return o
}
