package bench

import (
	"fmt"
	"strconv"
	"strings"
)

// Dataset kinds accepted by [Dataset.Kind] and [ParseDataset].
const (
	// KindIndexed is tables indexed1..N with 10 INT columns and 7 secondary indexes; see [Generate].
	KindIndexed = "indexed"
	// KindSysbench is tables sbtest1..N exactly as sysbench's oltp_* scripts create them; see [Generate].
	KindSysbench = "sysbench"
	// KindMixed is a five-table shop schema with skewed sizes and awkward types; see [Generate].
	KindMixed = "mixed"
)

// DefaultDatabase is the database [ParseDataset] targets when the spec names none.
const DefaultDatabase = "sluice_bench"

// Dataset describes a deterministic dataset: the same Dataset always yields byte-identical
// table contents (the same CHECKSUM TABLE), whatever the number of threads.
type Dataset struct {
	// Kind is KindIndexed, KindSysbench or KindMixed.
	Kind string
	// Tables is the number of tables for KindIndexed and KindSysbench (at least 1);
	// ignored for KindMixed, which always has its five tables.
	Tables int
	// Rows is the number of rows per table for KindIndexed and KindSysbench; for KindMixed
	// it is the scale factor: the row count of the largest table (order_items).
	Rows int64
	// Seed selects the pseudo-random stream; different seeds give different data.
	Seed int64
	// Database is the target database, created (utf8mb4) if missing.
	Database string
	// Layout is KindIndexed's secondary index layout "A-B-C": A one-column, B two-column and
	// C three-column indexes, at most 2-3-2 (the default, ""), taken in order from the 2-3-2
	// set (see indexedTables). The seed's deferred-index study compares 2-2-0 … 2-3-2.
	Layout string
}

// String returns the spec of d in the form [ParseDataset] reads, for example
// "indexed:4x1000000,seed=1,db=sluice_bench".
func (d Dataset) String() string {
	size := strconv.FormatInt(d.Rows, 10)
	if d.Kind != KindMixed {
		size = strconv.Itoa(d.Tables) + "x" + size
	}
	spec := fmt.Sprintf("%s:%s,seed=%d,db=%s", d.Kind, size, d.Seed, d.Database)
	if d.Layout != "" {
		spec += ",layout=" + d.Layout
	}
	return spec
}

// Validate reports the first problem that would make [Generate] fail before touching the server:
// an unknown kind, fewer than 1 table or row, or an empty or over-long (64 characters) database name.
func (d Dataset) Validate() error {
	switch d.Kind {
	case KindIndexed, KindSysbench:
		if d.Tables < 1 {
			return fmt.Errorf("dataset %s: tables = %d: need at least 1 table", d.Kind, d.Tables)
		}
	case KindMixed:
	default:
		return fmt.Errorf("dataset kind %q: unknown: use %s, %s or %s", d.Kind, KindIndexed, KindSysbench, KindMixed)
	}
	if d.Rows < 1 {
		return fmt.Errorf("dataset %s: rows = %d: need at least 1 row", d.Kind, d.Rows)
	}
	if d.Layout != "" {
		if d.Kind != KindIndexed {
			return fmt.Errorf("dataset %s: layout=%s: only the indexed kind has a layout", d.Kind, d.Layout)
		}
		if _, err := parseLayout(d.Layout); err != nil {
			return fmt.Errorf("dataset %s: %w", d.Kind, err)
		}
	}
	if d.Database == "" || len(d.Database) > 64 {
		return fmt.Errorf("dataset %s: database name %q: must be 1 to 64 characters", d.Kind, d.Database)
	}
	return nil
}

// ParseDataset reads a dataset spec:
//
//	indexed:TABLESxROWS[,seed=N][,db=NAME]     e.g. "indexed:4x1000000"
//	sysbench:TABLESxROWS[,seed=N][,db=NAME]    e.g. "sysbench:4x1000000,seed=7"
//	mixed:ROWS[,seed=N][,db=NAME]              e.g. "mixed:200000,db=shop"
//	indexed:…,layout=A-B-C                     e.g. "indexed:2x300k,layout=2-1-0" (see Dataset.Layout)
//
// ROWS may end in k (×1,000) or M (×1,000,000): "4x1.25M" is not accepted, "4x1250k" is.
// Seed defaults to 1 and the database to [DefaultDatabase]. Errors quote the spec and the part at fault.
func ParseDataset(spec string) (Dataset, error) {
	bad := func(what string) (Dataset, error) {
		return Dataset{}, fmt.Errorf("dataset spec %q: %s: expected e.g. \"indexed:4x1000000\", \"sysbench:2x10k,seed=7\" or \"mixed:200000,db=shop\"", spec, what)
	}
	kind, rest, ok := strings.Cut(spec, ":")
	if !ok {
		return bad("missing ':' after the kind")
	}
	d := Dataset{Kind: kind, Seed: 1, Database: DefaultDatabase}
	parts := strings.Split(rest, ",")
	switch kind {
	case KindIndexed, KindSysbench:
		t, r, ok := strings.Cut(parts[0], "x")
		if !ok {
			return bad("size " + strconv.Quote(parts[0]) + " is not TABLESxROWS")
		}
		n, err := strconv.Atoi(t)
		if err != nil {
			return bad("table count " + strconv.Quote(t) + " is not a number")
		}
		d.Tables = n
		if d.Rows, err = parseCount(r); err != nil {
			return bad(err.Error())
		}
	case KindMixed:
		var err error
		if d.Rows, err = parseCount(parts[0]); err != nil {
			return bad(err.Error())
		}
	default:
		return bad("unknown kind " + strconv.Quote(kind))
	}
	for _, opt := range parts[1:] {
		key, val, _ := strings.Cut(opt, "=")
		switch key {
		case "seed":
			s, err := strconv.ParseInt(val, 10, 64)
			if err != nil {
				return bad("seed " + strconv.Quote(val) + " is not an integer")
			}
			d.Seed = s
		case "db":
			d.Database = val
		case "layout":
			d.Layout = val
		default:
			return bad("unknown option " + strconv.Quote(opt) + " (known: seed=N, db=NAME, layout=A-B-C)")
		}
	}
	if err := d.Validate(); err != nil {
		return Dataset{}, fmt.Errorf("dataset spec %q: %w", spec, err)
	}
	return d, nil
}

// parseLayout reads a Dataset.Layout "A-B-C" into its three counts, each within 2-3-2, at
// least one index in all.
func parseLayout(s string) ([3]int, error) {
	var n [3]int
	parts := strings.Split(s, "-")
	if len(parts) != 3 {
		return n, fmt.Errorf("layout=%s: want A-B-C, e.g. 2-1-0", s)
	}
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 || v > maxLayout[i] {
			return n, fmt.Errorf("layout=%s: %q: want 0 to %d %d-column indexes", s, p, maxLayout[i], i+1)
		}
		n[i] = v
	}
	if n == [3]int{} {
		return n, fmt.Errorf("layout=%s: no index", s)
	}
	return n, nil
}

// maxLayout is the full 2-3-2 layout of the indexed dataset.
var maxLayout = [3]int{2, 3, 2}

// parseCount reads a row count with an optional k (1e3) or M (1e6) suffix.
func parseCount(s string) (int64, error) {
	mult := int64(1)
	switch {
	case strings.HasSuffix(s, "k"):
		mult, s = 1000, strings.TrimSuffix(s, "k")
	case strings.HasSuffix(s, "M"):
		mult, s = 1000000, strings.TrimSuffix(s, "M")
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > (1<<62)/mult {
		return 0, fmt.Errorf("row count %q is not a whole number (suffix k or M allowed)", s)
	}
	return n * mult, nil
}
