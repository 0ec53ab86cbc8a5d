// Package accounts dumps and restores a server's accounts, roles and grants, and rewrites the
// DEFINER of views, routines, triggers and events. Packages dumper and loader call it; it owns
// everything about accounts in between.
//
// The design, file by file:
//   - account.go, file.go: an Account (a user or a role) as read with SHOW CREATE USER and SHOW
//     GRANTS, and the dump's accounts.json (one file, 0600, listed in the metadata's [files]
//     like every other file) that holds them with the source's flavour and version. It holds
//     authentication hashes as the server shows them, never a clear-text password.
//   - pattern.go: --include-users / --exclude-users patterns (user@host, SQL LIKE wildcards) and
//     the system accounts that are left out unless named.
//   - read.go: Read lists and reads every account of a MariaDB or MySQL server.
//   - tokens.go, grants.go, createuser.go: a small lexer for the account statements SHOW prints,
//     the normalisation of MariaDB's SHOW GRANTS (which repeats the account's authentication,
//     TLS and limits on its global GRANT line), and the CREATE USER parser that translation uses.
//   - translate.go: the statements for a target of the other flavour (MariaDB <-> MySQL 8):
//     roles, unix_socket <-> auth_socket, privilege names, and what has to be skipped, each with
//     a warning naming it.
//   - restore.go: Restore creates roles, then users (before views and routines, so that
//     DEFINERs exist), grants (after the objects they name), then default roles; an account that
//     exists is left alone unless overwrite is asked for, one whose authentication plugin the
//     target lacks is skipped before anything is loaded, one the target refuses is skipped with
//     a warning, and the summary counts created, skipped and failed accounts. The account the
//     load connects as is never dropped or changed.
//   - definer.go: --skip-definer and --definer, and the check that names definers missing on the
//     target before anything is loaded.
package accounts
