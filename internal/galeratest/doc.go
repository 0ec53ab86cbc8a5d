// Package galeratest holds the tests that load into a real 3-node MariaDB Galera cluster
// (testserver.StartCluster): transactions kept under the cluster's write-set limit in every
// load path with no flag, every node equal to the source, and a load resumed on a survivor
// after a node is killed. They are their own package so that `go test ./...` runs them
// beside the round-trip suite, and so that they are easy to find.
package galeratest
