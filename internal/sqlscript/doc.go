// Package sqlscript splits SQL script text into statements as the mysql command-line client
// does: statements end with the current delimiter outside quotes and comments, and DELIMITER
// lines change the delimiter (mysqldump writes triggers and routines in DELIMITER ;; blocks).
package sqlscript
