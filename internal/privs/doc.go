// Package privs reads the current user's privileges from information_schema, for the dry runs
// of dump and load (which name a missing privilege before a run would fail on it).
package privs
