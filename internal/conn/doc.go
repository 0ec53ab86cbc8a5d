// Package conn holds the connection settings shared by every subcommand (host, port, user,
// password, socket, defaults files, MYSQL_PWD), resolved as the mysql command-line client
// resolves them, and opens database handles from them without ever printing the password.
package conn
