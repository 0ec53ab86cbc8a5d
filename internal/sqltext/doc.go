// Package sqltext quotes identifiers and encodes values as SQL literals and as
// LOAD DATA (tab-separated) fields, exactly, for every MySQL and MariaDB column type.
package sqltext
