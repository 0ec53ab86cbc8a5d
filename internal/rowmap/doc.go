// Package rowmap owns reading a result set as maps keyed by column name: the one way sluice
// reads the SHOW statements and information_schema tables whose columns differ between server
// versions (SHOW SLAVE STATUS's Master_Host or Source_Host, STATISTICS's IGNORED on MariaDB or
// IS_VISIBLE on MySQL 8), so that a column one server lacks is read as missing, not as an error.
package rowmap
