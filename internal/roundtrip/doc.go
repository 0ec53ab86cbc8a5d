// Package roundtrip holds sluice's end-to-end tests: a database is dumped from one throwaway
// server with package dumper, restored into another with package loader, and compared with
// package compare. It has no code of its own besides the helpers its tests share.
package roundtrip
