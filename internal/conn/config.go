package conn

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/spf13/pflag"
	"gopkg.in/ini.v1"
)

// DefaultSocket is where Debian's MariaDB and MySQL servers listen when no host or socket is
// given, as the mysql command-line client assumes.
const DefaultSocket = "/run/mysqld/mysqld.sock"

// Config is how to reach a server. The zero value means what the mysql client means with no
// options: the local server over its Unix socket as the current user.
type Config struct {
	Host         string // host name or IP; "" or "localhost" with no port flag means the Unix socket
	Port         int    // TCP port; 3306 when 0
	User         string // "" means the operating-system user, as the mysql client does
	Password     string // never printed; see String
	Socket       string // Unix socket path
	DefaultsFile string // an option file read instead of ~/.my.cnf ([client] section)
	// DefaultsExtraFile is an option file read after DefaultsFile (or ~/.my.cnf); its [client]
	// values win over that file's (MySQL manual, "Command-Line Options that Affect Option-File
	// Handling").
	DefaultsExtraFile string

	portSet bool
}

// AddFlags registers the mydumper-compatible connection flags: -h/--host, -P/--port, -u/--user,
// -p/--password, -S/--socket and --defaults-file.
func (c *Config) AddFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&c.Host, "host", "h", "", "server host (default: the local Unix socket)")
	fs.IntVarP(&c.Port, "port", "P", 0, "server TCP port (default 3306)")
	fs.StringVarP(&c.User, "user", "u", "", "user name (default: the login name)")
	fs.StringVarP(&c.Password, "password", "p", "", "password (prefer MYSQL_PWD or a defaults file: command lines are visible to other users)")
	fs.StringVarP(&c.Socket, "socket", "S", "", "Unix socket file")
	fs.StringVar(&c.DefaultsFile, "defaults-file", "", "read connection options from this file's [client] section only, instead of ~/.my.cnf")
	fs.StringVar(&c.DefaultsExtraFile, "defaults-extra-file", "", "read this option file's [client] section after --defaults-file or ~/.my.cnf (its values win)")
}

// Resolve fills what the flags left empty, in the mysql client's order of precedence: command
// line, then the [client] section of --defaults-extra-file, then that of --defaults-file (or
// ~/.my.cnf when it exists), then the
// MYSQL_PWD environment variable for the password. changed reports whether a flag was given on
// the command line (pflag's FlagSet.Changed); it may be nil. It fails when --defaults-file cannot
// be read.
func (c Config) Resolve(changed func(name string) bool) (Config, error) {
	if changed == nil {
		changed = func(string) bool { return false }
	}
	c.portSet = changed("port") || c.Port != 0
	file := c.DefaultsFile
	if file == "" {
		if home, err := os.UserHomeDir(); err == nil {
			if _, err := os.Stat(filepath.Join(home, ".my.cnf")); err == nil {
				file = filepath.Join(home, ".my.cnf")
			}
		}
	}
	files := []string{}
	if c.DefaultsExtraFile != "" {
		files = append(files, c.DefaultsExtraFile) // first: a field is filled once, by the first file that has it
	}
	if file != "" {
		files = append(files, file)
	}
	for _, file := range files {
		opts, err := ReadClientOptions(file)
		if err != nil {
			flag := "--defaults-file"
			if file == c.DefaultsExtraFile {
				flag = "--defaults-extra-file"
			}
			return c, fmt.Errorf("%s %s: %w", flag, file, err)
		}
		get := opts.Get
		if c.Host == "" {
			c.Host = get("host")
		}
		if !c.portSet && get("port") != "" {
			p, err := strconv.Atoi(get("port"))
			if err != nil {
				return c, fmt.Errorf("%s: [client] port %q: %w", file, get("port"), err)
			}
			c.Port, c.portSet = p, true
		}
		if c.User == "" {
			c.User = get("user")
		}
		if !changed("password") && c.Password == "" {
			c.Password = get("password")
		}
		if c.Socket == "" {
			c.Socket = get("socket")
		}
	}
	if !changed("password") && c.Password == "" {
		c.Password = os.Getenv("MYSQL_PWD")
	}
	if c.User == "" {
		c.User = os.Getenv("USER")
	}
	if c.Port == 0 {
		c.Port = 3306
	}
	return c, nil
}

// Address returns the network and address the driver dials: the Unix socket when no host is
// given or the host is "localhost" without a port (the mysql client's rule), TCP otherwise.
func (c Config) Address() (network, addr string) {
	if c.Socket != "" && (c.Host == "" || c.Host == "localhost") {
		return "unix", c.Socket
	}
	if c.Host == "" || (c.Host == "localhost" && !c.portSet) {
		return "unix", DefaultSocket
	}
	return "tcp", net.JoinHostPort(c.Host, strconv.Itoa(c.Port))
}

// String describes the target for logs and errors, without the password: "user@127.0.0.1:3306".
func (c Config) String() string {
	_, addr := c.Address()
	return c.User + "@" + addr
}

// DriverConfig builds the go-sql-driver configuration: text protocol (no client-side
// interpolation), UTC session time zone, LOAD DATA LOCAL from registered readers only, and the
// server's max_allowed_packet.
func (c Config) DriverConfig(db string) *mysql.Config {
	mc := mysql.NewConfig()
	mc.User, mc.Passwd, mc.DBName = c.User, c.Password, db
	mc.Net, mc.Addr = c.Address()
	mc.Timeout = 10 * time.Second
	mc.MaxAllowedPacket = 0
	mc.AllowNativePasswords = true
	mc.AllowCleartextPasswords = false
	mc.Params = map[string]string{"time_zone": "'+00:00'"}
	return mc
}

// Open returns a pool of at most maxConns connections to database db ("" for none) and checks
// that the server answers. Errors name the server and the flag to fix (never the password).
func (c Config) Open(ctx context.Context, db string, maxConns int) (*sql.DB, error) {
	connector, err := mysql.NewConnector(c.DriverConfig(db))
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", c, err)
	}
	return c.OpenConnector(ctx, connector, maxConns)
}

// OpenConnector is Open for a connector built from c.DriverConfig by the caller (for example
// with its own DialFunc): a pool of at most maxConns connections, checked with a ping whose
// errors name the server and the flag to fix.
func (c Config) OpenConnector(ctx context.Context, connector driver.Connector, maxConns int) (*sql.DB, error) {
	pool := sql.OpenDB(connector)
	pool.SetMaxOpenConns(maxConns)
	pool.SetMaxIdleConns(maxConns)
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, c.explain(err)
	}
	return pool, nil
}

func (c Config) explain(err error) error {
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		switch me.Number {
		case 1045, 1698:
			return fmt.Errorf("connect to %s: access denied: check --user, --password, MYSQL_PWD or --defaults-file: %w", c, err)
		case 1049:
			return fmt.Errorf("connect to %s: %w", c, err)
		}
	}
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("connect to %s: server unreachable: check --host, --port or --socket: %w", c, err)
	}
	return fmt.Errorf("connect to %s: %w", c, err)
}

// ClientOptions is the [client] section of a MySQL option file (MySQL manual, "Using Option
// Files").
type ClientOptions struct{ s *ini.Section }

// ReadClientOptions reads the [client] section of the option file at path. Errors come from
// reading or parsing the file and never quote its content.
func ReadClientOptions(path string) (ClientOptions, error) {
	f, err := ini.LoadSources(ini.LoadOptions{AllowBooleanKeys: true, SkipUnrecognizableLines: true, Insensitive: true, IgnoreInlineComment: true}, path)
	if err != nil {
		return ClientOptions{}, err
	}
	return ClientOptions{s: f.Section("client")}, nil
}

// Get returns option k (or its client-k spelling), without surrounding quotes; "" when absent.
func (o ClientOptions) Get(k string) string {
	for _, name := range []string{k, "client-" + k} {
		if o.s.HasKey(name) {
			v := o.s.Key(name).String()
			if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
				v = v[1 : len(v)-1]
			}
			return v
		}
	}
	return ""
}
