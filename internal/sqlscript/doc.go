// Package sqlscript splits SQL script text into statements as the mysql command-line client
// does: statements end with the current delimiter outside quotes and comments, and DELIMITER
// lines change the delimiter (mysqldump writes triggers and routines in DELIMITER ;; blocks); and
// as myloader does (SplitLines): a statement ends at a line that ends with ";", which is how
// mydumper and sluice write schema files, with EncodeBody keeping such lines out of a body.
package sqlscript
