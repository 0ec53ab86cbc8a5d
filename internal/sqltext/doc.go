// Package sqltext quotes identifiers and encodes values as SQL literals and as
// LOAD DATA (tab-separated) fields, exactly, for every MySQL and MariaDB column type, and decodes
// them back: DecodeLiteral and AppendInsertAsTSV read the INSERTs package dumper writes,
// UnescapeTSV a TSV field. The fuzz targets in fuzz_test.go check the round trips.
package sqltext
