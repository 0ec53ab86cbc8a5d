// Package bench generates deterministic datasets and measures sluice against mydumper/myloader,
// mariadb-dump and the server's own limit (SELECT ... INTO OUTFILE, LOAD DATA INFILE + ALTER).
package bench
