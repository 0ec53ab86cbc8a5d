package main

import (
	"os"

	"github.com/spf13/pflag"

	"github.com/sluicedb/sluice/internal/conn"
)

// targetPasswordEnv is the environment variable read for the target's password when
// --target-password is not given (conventions: shared by every command with a target server).
const targetPasswordEnv = "SLUICE_TARGET_PASSWORD"

// targetFlags are the connection flags of a second, target server (`sluice verify`; later
// `sluice copy`): the mysql client's options with a --target- prefix and no short forms.
type targetFlags struct {
	fs  *pflag.FlagSet
	cfg conn.Config
}

// addTargetFlags registers --target-host, --target-port, --target-user, --target-password,
// --target-socket and --target-defaults-file on fs.
func addTargetFlags(fs *pflag.FlagSet) *targetFlags {
	f := &targetFlags{fs: fs}
	fs.StringVar(&f.cfg.Host, "target-host", "", "target server host (default: the local Unix socket)")
	fs.IntVar(&f.cfg.Port, "target-port", 0, "target server TCP port (default 3306)")
	fs.StringVar(&f.cfg.User, "target-user", "", "target user name (default: the login name)")
	fs.StringVar(&f.cfg.Password, "target-password", "", "target password (prefer "+targetPasswordEnv+" or --target-defaults-file: command lines are visible to other users)")
	fs.StringVar(&f.cfg.Socket, "target-socket", "", "target Unix socket file")
	fs.StringVar(&f.cfg.DefaultsFile, "target-defaults-file", "", "read the target's connection options from this file's [client] section only, instead of ~/.my.cnf")
	return f
}

// config resolves the target's settings as conn.Config.Resolve does for the source, the
// password taken first from --target-password, then SLUICE_TARGET_PASSWORD, then the defaults
// file, then MYSQL_PWD.
func (f *targetFlags) config() (conn.Config, error) {
	c := f.cfg
	if !f.fs.Changed("target-password") && c.Password == "" {
		c.Password = os.Getenv(targetPasswordEnv)
	}
	names := map[string]string{"port": "target-port", "password": "target-password"}
	return c.Resolve(func(name string) bool {
		if n, ok := names[name]; ok {
			return f.fs.Changed(n) || (name == "password" && c.Password != "")
		}
		return false
	})
}
