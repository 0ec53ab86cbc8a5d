package bench

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// sluiceFeatures are the optional flags the sluice binary under test has: the suite uses
// only flags that exist, read from `sluice dump --help` and `sluice load --help`.
type sluiceFeatures struct {
	compressZstd bool // dump --compress zstd
	formatTSV    bool // dump --format tsv
	deferIndexes bool // load --defer-indexes all|none
	noSync       bool // dump --no-sync
	s3           bool // dump -o and load -d take s3://BUCKET/PREFIX
	copy         bool // sluice copy streams (no --stage-dir): measured as a load
}

// probeSluice reads the help of the sluice binary at path.
func probeSluice(ctx context.Context, path string) (sluiceFeatures, error) {
	help := func(sub string) (string, error) {
		out, err := exec.CommandContext(ctx, path, sub, "--help").CombinedOutput()
		if err != nil {
			return "", fmt.Errorf("bench: %s %s --help: %w: %s", path, sub, err, out)
		}
		return string(out), nil
	}
	dump, err := help("dump")
	if err != nil {
		return sluiceFeatures{}, err
	}
	load, err := help("load")
	if err != nil {
		return sluiceFeatures{}, err
	}
	cp, _ := help("copy") // older binaries have no copy, or one through a staging directory
	return sluiceFeatures{
		copy:         cp != "" && !strings.Contains(cp, "--stage-dir"),
		compressZstd: strings.Contains(dump, "--compress") && strings.Contains(dump, "zstd"),
		formatTSV:    strings.Contains(dump, "--format") && strings.Contains(dump, "tsv"),
		deferIndexes: strings.Contains(load, "--defer-indexes"),
		noSync:       strings.Contains(dump, "--no-sync"),
		s3:           strings.Contains(dump, "s3://") && strings.Contains(load, "s3://"),
	}, nil
}

// notes says which optional flags were missing, for the report.
func (f sluiceFeatures) notes() []string {
	var n []string
	if !f.compressZstd {
		n = append(n, "sluice dump has no --compress zstd: zstd dumps not measured")
	}
	if !f.formatTSV {
		n = append(n, "sluice dump has no --format tsv: TSV dumps not measured")
	}
	if !f.deferIndexes {
		n = append(n, "sluice load has no --defer-indexes: its default index handling measured only")
	}
	return n
}

// dumpVariant is one way of running sluice dump.
type dumpVariant struct {
	name     string   // "sql", "zstd", "tsv", "sql no-sync"
	args     []string // extra flags
	dumpOnly bool     // not worth a load of its own (the same files as another variant)
	s3       bool     // to the target's MinIO server (and loaded from there) instead of a local directory
}

// dumpVariants returns the variants the binary supports, "sql" (the default) first.
func (f sluiceFeatures) dumpVariants() []dumpVariant {
	v := []dumpVariant{{name: "sql"}}
	if f.compressZstd {
		v = append(v, dumpVariant{name: "zstd", args: []string{"--compress", "zstd"}})
	}
	if f.formatTSV {
		v = append(v, dumpVariant{name: "tsv", args: []string{"--format", "tsv"}})
	}
	if f.noSync {
		// The peers never fsync their files; this is sluice on the same terms.
		v = append(v, dumpVariant{name: "sql no-sync", args: []string{"--no-sync"}, dumpOnly: true})
	}
	if f.s3 {
		v = append(v, dumpVariant{name: "s3 sql", s3: true})
		if f.compressZstd {
			v = append(v, dumpVariant{name: "s3 zstd", args: []string{"--compress", "zstd"}, s3: true})
		}
	}
	return v
}

// deferModes returns the --defer-indexes values to compare: want when given, else all and
// none; one "" (flag absent) when the binary has no --defer-indexes.
func (f sluiceFeatures) deferModes(want []string) []string {
	if f.deferIndexes && len(want) > 0 {
		return want
	}
	if f.deferIndexes {
		return []string{"all", "none"}
	}
	return []string{""}
}

// connArgs returns -h -P -u for s; the password travels in MYSQL_PWD (see pwdEnv).
func connArgs(host string, port int, user string) []string {
	return []string{"-h", host, "-P", strconv.Itoa(port), "-u", user}
}

// sluiceDump is the case `sluice dump` in variant v at t threads.
func (b *bed) sluiceDump(v dumpVariant, t int, keep bool) benchCase {
	name := fmt.Sprintf("sluice-%s-t%d", strings.ReplaceAll(v.name, " ", "-"), t)
	out := filepath.Join(b.dir, name)
	env := []string{"MYSQL_PWD=" + b.src.Password}
	if v.s3 {
		out = "s3://" + s3Bucket + "/" + name
		env = append(env, b.minio.Env()...)
	}
	args := append([]string{"dump"}, connArgs(b.src.Host, b.src.Port, b.src.User)...)
	args = append(args, "-o", out, "-B", b.db(), "-t", strconv.Itoa(t))
	args = append(args, v.args...)
	cmd := command{path: b.o.Sluice, args: args, env: env}
	c := benchCase{
		op: OpDump, tool: ToolSluice, variant: v.name, threads: t, command: cmd.String(), out: out,
		setup: func(ctx context.Context) error { return b.removeOut(ctx, out) },
		run:   cmd.run,
	}
	if keep && !v.dumpOnly {
		c.keep = ToolSluice + " " + v.name
	}
	return c
}

// sluiceCopy is `sluice copy` from the source to the target with t threads a side: measured as
// a load (the target dropped before, verified after), beside the load of a dump.
func (b *bed) sluiceCopy(t int) benchCase {
	args := append([]string{"copy"}, connArgs(b.src.Host, b.src.Port, b.src.User)...)
	args = append(args, "--target-host", b.dst.Host, "--target-port", strconv.Itoa(b.dst.Port), "--target-user", b.dst.User,
		"-B", b.db(), "-t", strconv.Itoa(t), "--target-threads", strconv.Itoa(t))
	env := []string{"MYSQL_PWD=" + b.src.Password, "SLUICE_TARGET_PASSWORD=" + b.dst.Password}
	cmd := command{path: b.o.Sluice, args: args, env: env}
	return benchCase{op: OpLoad, tool: ToolSluice, variant: "copy", threads: t, command: cmd.String(), run: cmd.run}
}

// sluiceLoad is the case `sluice load` of the dump in dir (variant format) at t threads with
// --defer-indexes mode ("" for the default).
func (b *bed) sluiceLoad(dir, format, mode string, t int) benchCase {
	args := append([]string{"load"}, connArgs(b.dst.Host, b.dst.Port, b.dst.User)...)
	args = append(args, "-d", dir, "-t", strconv.Itoa(t))
	env := []string{"MYSQL_PWD=" + b.dst.Password}
	if isS3(dir) {
		args = append(args, "--journal", filepath.Join(b.dir, "sluice-load-"+strings.ReplaceAll(format, " ", "-")+".journal"))
		env = append(env, b.minio.Env()...)
	}
	variant := format
	if mode != "" {
		args = append(args, "--defer-indexes", mode)
		variant += " defer=" + mode
	}
	cmd := command{path: b.o.Sluice, args: args, env: env}
	return benchCase{op: OpLoad, tool: ToolSluice, variant: variant, threads: t, command: cmd.String(), run: cmd.run}
}
