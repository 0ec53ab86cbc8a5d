// Package testserver starts throwaway MariaDB servers (Debian's mariadbd) on a temporary
// datadir, on 127.0.0.1 and a free port, for tests, the demo and the benchmarks.
package testserver
