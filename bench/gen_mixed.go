package bench

import (
	"encoding/binary"
	"encoding/json"
	"math/rand/v2"
	"strconv"
)

// mixedTables returns the "mixed" shop schema scaled by d.Rows (each table at least 1 row):
//
//	customers   Rows/20   id VARCHAR(36) UUID text PK, name, email UNIQUE, created DATETIME(6), prefs JSON NULL
//	products    Rows/100  id INT PK, sku VARCHAR(32) UNIQUE, price DECIMAL(12,2), description TEXT, image BLOB NULL
//	orders      Rows/3    id BINARY(16) PK, customer_id -> customers, placed_at TIMESTAMP, status ENUM,
//	                      total DECIMAL(14,2), note TEXT NULL
//	order_items Rows      PK (order_id, line_no), order_id -> orders, product_id -> products,
//	                      qty SMALLINT, price DECIMAL(12,2)
//	event_log   Rows/2    no primary key: ts DATETIME(3) (KEY), level TINYINT, msg VARCHAR(255), payload JSON NULL
//
// Keys that rows of other tables refer to (customer and order UUIDs) are hashes of
// (Seed, table, row number), so every reference points at an existing row. Some text values
// are deliberately awkward: quotes, backslashes, tabs, CR/LF, NUL, 4-byte UTF-8, the text \N,
// and NULLs. Times lie in 2020-2025 UTC; sessions load TIMESTAMPs with time_zone '+00:00'.
func mixedTables(d Dataset) []genTable {
	nCust := max(d.Rows/20, 1)
	nProd := max(d.Rows/100, 1)
	nOrd := max(d.Rows/3, 1)
	seed := d.Seed
	return []genTable{
		{
			name: "customers",
			rows: nCust,
			create: "(id VARCHAR(36) NOT NULL, name VARCHAR(100) NOT NULL, email VARCHAR(255) NOT NULL," +
				" created DATETIME(6) NOT NULL, prefs JSON NULL, PRIMARY KEY (id))" +
				" ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
			keys: "ADD UNIQUE KEY uk_email (email)",
			load: "(id, name, email, created, prefs)",
			row: func(r *rand.Rand, i int64, buf []byte) []byte {
				buf = appendUUIDText(buf, seed, 1, i)
				buf = append(buf, '\t')
				first, last := firstNames[r.IntN(len(firstNames))], lastNames[r.IntN(len(lastNames))]
				if i%13 == 5 {
					buf = appendText(buf, hardText(r))
				} else {
					buf = append(buf, first...)
					buf = append(buf, ' ')
					buf = append(buf, last...)
				}
				buf = append(buf, '\t')
				buf = append(buf, first...)
				buf = append(buf, '.')
				buf = append(buf, last...)
				buf = strconv.AppendInt(buf, i+1, 10)
				buf = append(buf, "@example.com\t"...)
				buf = appendTime(buf, r.Int64N(5*365*86400e6), "2006-01-02 15:04:05.000000")
				buf = append(buf, '\t')
				switch r.IntN(4) {
				case 0:
					buf = appendNull(buf)
				case 1:
					b, _ := json.Marshal(map[string]any{"nick": hardText(r), "tags": []string{"a", "b"}})
					buf = appendText(buf, string(b))
				default:
					buf = append(buf, `{"newsletter":`...)
					buf = strconv.AppendBool(buf, r.IntN(2) == 0)
					buf = append(buf, `,"lang":"`...)
					buf = append(buf, langs[r.IntN(len(langs))]...)
					buf = append(buf, `"}`...)
				}
				return append(buf, '\n')
			},
		},
		{
			name: "products",
			rows: nProd,
			create: "(id INT NOT NULL, sku VARCHAR(32) NOT NULL, price DECIMAL(12,2) NOT NULL," +
				" description TEXT NOT NULL, image BLOB NULL, PRIMARY KEY (id))" +
				" ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
			keys: "ADD UNIQUE KEY uk_sku (sku)",
			load: "(id, sku, price, description, @image) SET image = UNHEX(@image)",
			row: func(r *rand.Rand, i int64, buf []byte) []byte {
				buf = strconv.AppendInt(buf, i+1, 10)
				buf = append(buf, "\tSKU-"...)
				buf = strconv.AppendInt(buf, 100000+i, 10)
				buf = append(buf, '-')
				buf = append(buf, byte('A'+r.IntN(26)), byte('A'+r.IntN(26)))
				buf = append(buf, '\t')
				buf = appendCents(buf, 99+r.Int64N(500000))
				buf = append(buf, '\t')
				buf = appendWords(r, buf, 8+r.IntN(80))
				if i%11 == 3 {
					buf = append(buf, ' ')
					buf = appendText(buf, hardText(r))
				}
				buf = append(buf, '\t')
				if r.IntN(5) == 0 {
					buf = appendNull(buf)
				} else {
					img := make([]byte, 16+r.IntN(240))
					for k := range img {
						img[k] = byte(r.Uint32())
					}
					buf = appendHex(buf, img)
				}
				return append(buf, '\n')
			},
		},
		{
			name: "orders",
			rows: nOrd,
			create: "(id BINARY(16) NOT NULL, customer_id VARCHAR(36) NOT NULL," +
				" placed_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP," +
				" status ENUM('pending','paid','shipped','delivered','cancelled','refunded') NOT NULL," +
				" total DECIMAL(14,2) NOT NULL, note TEXT NULL, PRIMARY KEY (id))" +
				" ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
			keys: "ADD KEY idx_customer (customer_id), ADD KEY idx_placed (placed_at)," +
				" ADD CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id)",
			load: "(@id, customer_id, placed_at, status, total, note) SET id = UNHEX(@id)",
			row: func(r *rand.Rand, i int64, buf []byte) []byte {
				var id [16]byte
				buf = appendHex(buf, uuidBytes(id[:], seed, 3, i))
				buf = append(buf, '\t')
				buf = appendUUIDText(buf, seed, 1, skewed(r, nCust))
				buf = append(buf, '\t')
				buf = appendTime(buf, r.Int64N(5*365*86400)*1e6, "2006-01-02 15:04:05")
				buf = append(buf, '\t')
				buf = append(buf, statuses[r.IntN(len(statuses))]...)
				buf = append(buf, '\t')
				buf = appendCents(buf, 500+r.Int64N(2000000))
				buf = append(buf, '\t')
				switch n := r.IntN(10); {
				case n < 6:
					buf = appendNull(buf)
				case n == 6:
					buf = appendText(buf, hardText(r))
				default:
					buf = appendWords(r, buf, 3+r.IntN(20))
				}
				return append(buf, '\n')
			},
		},
		{
			name: "order_items",
			rows: d.Rows,
			create: "(order_id BINARY(16) NOT NULL, line_no SMALLINT UNSIGNED NOT NULL, product_id INT NOT NULL," +
				" qty SMALLINT NOT NULL, price DECIMAL(12,2) NOT NULL, PRIMARY KEY (order_id, line_no))" +
				" ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
			keys: "ADD KEY idx_product (product_id)," +
				" ADD CONSTRAINT fk_items_order FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE," +
				" ADD CONSTRAINT fk_items_product FOREIGN KEY (product_id) REFERENCES products (id)",
			load: "(@order_id, line_no, product_id, qty, price) SET order_id = UNHEX(@order_id)",
			row: func(r *rand.Rand, i int64, buf []byte) []byte {
				// Row i is line i/nOrd+1 of order i%nOrd: about three lines per order.
				var id [16]byte
				buf = appendHex(buf, uuidBytes(id[:], seed, 3, i%nOrd))
				buf = append(buf, '\t')
				buf = strconv.AppendInt(buf, i/nOrd+1, 10)
				buf = append(buf, '\t')
				buf = strconv.AppendInt(buf, skewed(r, nProd)+1, 10)
				buf = append(buf, '\t')
				buf = strconv.AppendInt(buf, 1+r.Int64N(20), 10)
				buf = append(buf, '\t')
				buf = appendCents(buf, 99+r.Int64N(500000))
				return append(buf, '\n')
			},
		},
		{
			name: "event_log",
			rows: max(d.Rows/2, 1),
			create: "(ts DATETIME(3) NOT NULL, level TINYINT NOT NULL, msg VARCHAR(255) NOT NULL," +
				" payload JSON NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
			keys: "ADD KEY idx_ts (ts)",
			load: "(ts, level, msg, payload)",
			row: func(r *rand.Rand, i int64, buf []byte) []byte {
				// About ten events a second from the epoch on, with jitter: ts repeats sometimes.
				buf = appendTime(buf, (i*100+r.Int64N(200))*1000, "2006-01-02 15:04:05.000")
				buf = append(buf, '\t')
				buf = strconv.AppendInt(buf, int64(r.IntN(8)), 10)
				buf = append(buf, '\t')
				if i%17 == 9 {
					buf = appendText(buf, hardText(r))
				} else {
					buf = appendWords(r, buf, 2+r.IntN(12))
				}
				buf = append(buf, '\t')
				if r.IntN(3) == 0 {
					buf = appendNull(buf)
				} else {
					buf = append(buf, `{"request_id":`...)
					buf = strconv.AppendUint(buf, r.Uint64()>>11, 10)
					buf = append(buf, `,"duration_ms":`...)
					buf = strconv.AppendInt(buf, r.Int64N(5000), 10)
					buf = append(buf, '}')
				}
				return append(buf, '\n')
			},
		},
	}
}

// skewed returns a number in [0, n) with small numbers much likelier (u³ scaled), so a few
// customers and products get most orders, as in real shops.
func skewed(r *rand.Rand, n int64) int64 {
	u := r.Float64()
	return min(int64(u*u*u*float64(n)), n-1)
}

// uuidBytes fills b (16 bytes) with a version-4-shaped UUID derived from (seed, table, i).
func uuidBytes(b []byte, seed int64, table int, i int64) []byte {
	h := splitmix64(uint64(seed) ^ splitmix64(uint64(table)<<56^uint64(i)))
	binary.BigEndian.PutUint64(b[0:8], h)
	binary.BigEndian.PutUint64(b[8:16], splitmix64(h))
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return b
}

// appendUUIDText appends the UUID of (seed, table, i) in its 36-character text form.
func appendUUIDText(buf []byte, seed int64, table int, i int64) []byte {
	var b [16]byte
	uuidBytes(b[:], seed, table, i)
	const digits = "0123456789abcdef"
	for k, c := range b {
		if k == 4 || k == 6 || k == 8 || k == 10 {
			buf = append(buf, '-')
		}
		buf = append(buf, digits[c>>4], digits[c&15])
	}
	return buf
}

// appendWords appends n words from a fixed vocabulary, separated by spaces (unescaped: the
// vocabulary holds no special characters).
func appendWords(r *rand.Rand, buf []byte, n int) []byte {
	for k := range n {
		if k > 0 {
			buf = append(buf, ' ')
		}
		buf = append(buf, words[r.IntN(len(words))]...)
	}
	return buf
}

// hardText returns one of the awkward strings, raw (callers escape with appendText).
func hardText(r *rand.Rand) string { return hardTexts[r.IntN(len(hardTexts))] }

// hardTexts are values that break naive dumpers and loaders; each fits VARCHAR(100).
var hardTexts = [...]string{
	`O'Brien "the quoted"`,
	`back\slash \\ double \N text`,
	"tab\there\tand\tthere",
	"line one\nline two\r\nline three",
	"emoji 😀🦀 and 𝄞 clef, Ünïcödé",
	"NUL\x00inside",
	`\N`,
	"'; DROP TABLE customers; --",
	"trailing space ",
	"",
}

var (
	firstNames = [...]string{"Ada", "Alan", "Grace", "Linus", "Barbara", "Ken", "Margaret", "Dennis", "Edsger", "Frances"}
	lastNames  = [...]string{"Lovelace", "Turing", "Hopper", "Torvalds", "Liskov", "Thompson", "Hamilton", "Ritchie", "Dijkstra", "Allen"}
	langs      = [...]string{"en", "de", "fr", "ja", "pt-BR"}
	statuses   = [...]string{"pending", "paid", "shipped", "delivered", "cancelled", "refunded"}
	words      = [...]string{"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india",
		"juliet", "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango"}
)
