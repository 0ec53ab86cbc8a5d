package bench

import (
	"context"
	"fmt"
	"github.com/sluicedb/sluice/internal/sqltext"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// peerPath returns the program run for the peer tool: tool in o.PeerBin when that is set,
// otherwise tool itself (found on PATH).
func (o Options) peerPath(tool string) string {
	if o.PeerBin != "" && (tool == ToolMydumper || tool == ToolMyloader) {
		return filepath.Join(o.PeerBin, tool)
	}
	return tool
}

// peerInstalled reports whether the peer program is on PATH (or in o.PeerBin).
func (o Options) peerInstalled(tool string) bool {
	_, err := exec.LookPath(o.peerPath(tool))
	return err == nil
}

// peerVersion returns the first line of `tool --version`, or "not installed".
func (o Options) peerVersion(ctx context.Context, tool string) string {
	path, err := exec.LookPath(o.peerPath(tool))
	if err != nil {
		return "not installed"
	}
	out, _ := exec.CommandContext(ctx, path, "--version").CombinedOutput()
	line, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	return line
}

// mydumper is the case `mydumper -t N -B db -o dir` (Debian's mydumper 0.10 takes the
// password only on its command line: it is printed as *** in the report).
func (b *bed) mydumper(t int, keep bool) benchCase {
	out := filepath.Join(b.dir, fmt.Sprintf("mydumper-t%d", t))
	args := append(connArgs(b.src.Host, b.src.Port, b.src.User), "-p", b.src.Password,
		"-t", strconv.Itoa(t), "-B", b.db(), "-o", out)
	cmd := command{path: b.o.peerPath(ToolMydumper), args: args, secret: b.src.Password}
	c := benchCase{
		op: OpDump, tool: ToolMydumper, threads: t, command: cmd.String(), out: out,
		setup: func(context.Context) error { return os.RemoveAll(out) },
		run:   cmd.run,
	}
	if keep {
		c.keep = ToolMydumper
	}
	return c
}

// myloader is the case `myloader -t N -d dir -B db -o`.
func (b *bed) myloader(dir string, t int) benchCase {
	args := append(connArgs(b.dst.Host, b.dst.Port, b.dst.User), "-p", b.dst.Password,
		"-t", strconv.Itoa(t), "-d", dir, "-B", b.db(), "-o")
	cmd := command{path: b.o.peerPath(ToolMyloader), args: args, secret: b.dst.Password}
	return benchCase{op: OpLoad, tool: ToolMyloader, threads: t, command: cmd.String(), run: cmd.run}
}

// mariadbDump is the case `mariadb-dump --single-transaction --quick db > file`, the
// single-threaded baseline (its output is what `mariadb-dump | mariadb` pipes).
func (b *bed) mariadbDump() benchCase {
	out := filepath.Join(b.dir, "mariadb-dump.sql")
	args := append([]string{"--no-defaults", "--protocol=tcp"}, connArgs(b.src.Host, b.src.Port, b.src.User)...)
	args = append(args, "--single-transaction", "--quick", b.db())
	cmd := command{path: ToolMariadbDump, args: args, env: []string{"MYSQL_PWD=" + b.src.Password}, stdout: out}
	return benchCase{op: OpDump, tool: ToolMariadbDump, threads: 1, command: cmd.String(), out: out, run: cmd.run, keep: ToolMariadbDump}
}

// mariadbLoad is the case `mariadb db < file` into a freshly created database.
func (b *bed) mariadbLoad(file string) benchCase {
	args := append([]string{"--no-defaults", "--protocol=tcp"}, connArgs(b.dst.Host, b.dst.Port, b.dst.User)...)
	args = append(args, b.db())
	cmd := command{path: ToolMariadb, args: args, env: []string{"MYSQL_PWD=" + b.dst.Password}, stdin: file}
	return benchCase{
		op: OpLoad, tool: ToolMariadb, threads: 1, command: cmd.String(), run: cmd.run,
		setup: func(ctx context.Context) error {
			_, err := b.dstDB.ExecContext(ctx, "CREATE DATABASE "+sqltext.QuoteIdent(b.db())+" CHARACTER SET utf8mb4")
			return err
		},
	}
}
