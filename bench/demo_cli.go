package bench

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/sluicedb/sluice/internal/testserver"
)

// runSluice runs `o.Sluice command -h -P -u args...` against s, the password in MYSQL_PWD
// (never on the command line), its stderr on o.Err so that a terminal shows the progress bar
// and the summary, and returns the metrics it wrote to a --metrics-file in dir, by name.
func runSluice(ctx context.Context, o DemoOptions, s *testserver.Server, dir, command string, args ...string) (map[string]float64, error) {
	prom := filepath.Join(dir, command+".prom")
	full := append([]string{command, "-h", s.Host, "-P", strconv.Itoa(s.Port), "-u", s.User, "--metrics-file", prom}, args...)
	c := exec.CommandContext(ctx, o.Sluice, full...)
	c.Env = append(os.Environ(), "MYSQL_PWD="+s.Password, "HOME="+dir)
	c.Stdout, c.Stderr = o.Err, o.Err
	if c.Stderr == nil {
		c.Stdout, c.Stderr = os.Stderr, os.Stderr
	}
	if err := c.Run(); err != nil {
		return nil, fmt.Errorf("sluice %s: %w", command, err)
	}
	return readMetrics(prom)
}

// readMetrics reads the samples of a Prometheus text file written by sluice --metrics-file
// (one sample per metric, "name{labels} value").
func readMetrics(path string) (map[string]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m := map[string]float64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, rest, _ := strings.Cut(line, "{")
		_, value, ok := strings.Cut(rest, "} ")
		if !ok {
			return nil, fmt.Errorf("%s: cannot read %q", path, line)
		}
		v, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return nil, fmt.Errorf("%s: %q: %w", path, line, err)
		}
		m[name] = v
	}
	return m, sc.Err()
}
