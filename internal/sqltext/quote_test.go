package sqltext

import "testing"

func TestAppendEscaped(t *testing.T) {
	in := []byte("a\x00b\nc\rd\\e'f\"g\x1ah\té😀")
	want := `a\0b\nc\rd\\e\'f\"g\Zh` + "\té😀"
	if got := string(AppendEscaped(nil, in)); got != want {
		t.Fatalf("AppendEscaped = %q, want %q", got, want)
	}
	for c := 0; c < 256; c++ {
		out := AppendEscaped(nil, []byte{byte(c)})
		escaped := c == 0 || c == '\n' || c == '\r' || c == '\\' || c == '\'' || c == '"' || c == 0x1a
		if escaped != (len(out) == 2 && out[0] == '\\') || (!escaped && (len(out) != 1 || out[0] != byte(c))) {
			t.Errorf("byte %#02x escaped as %q", c, out)
		}
	}
}

func TestQuoting(t *testing.T) {
	if got := QuoteIdent("a`b c"); got != "`a``b c`" {
		t.Errorf("QuoteIdent = %s", got)
	}
	if got := QualifiedName("d.b", "t"); got != "`d.b`.`t`" {
		t.Errorf("QualifiedName = %s", got)
	}
	if got := string(AppendHex(nil, []byte{0, 0xab})); got != "0x00AB" {
		t.Errorf("AppendHex = %s", got)
	}
	if got := string(AppendHex(nil, []byte{})); got != "''" {
		t.Errorf("AppendHex(empty) = %s", got)
	}
	if got := string(AppendValue(nil, KindJSON, []byte(`{"a":"it's"}`))); got != `_utf8mb4'{\"a\":\"it\'s\"}'` {
		t.Errorf("AppendValue(JSON) = %s", got)
	}
	if got := string(AppendValue(nil, KindString, nil)); got != "NULL" {
		t.Errorf("AppendValue(nil) = %s", got)
	}
	if SelectExpr("f", "FLOAT") != "CAST(`f` AS DOUBLE)" || SelectExpr("d", "double") != "`d`" {
		t.Error("SelectExpr")
	}
}

// TestIsGenerated checks the EXTRA values of generated columns against MySQL 8's
// DEFAULT_GENERATED, which marks a default expression, not a generated column.
func TestIsGenerated(t *testing.T) {
	for extra, want := range map[string]bool{
		"VIRTUAL GENERATED": true, "STORED GENERATED": true, "stored generated": true,
		"DEFAULT_GENERATED": false, "DEFAULT_GENERATED on update CURRENT_TIMESTAMP": false,
		"on update current_timestamp()": false, "auto_increment": false, "": false,
	} {
		if got := IsGenerated(extra); got != want {
			t.Errorf("IsGenerated(%q) = %v, want %v", extra, got, want)
		}
	}
}

// TestRedactSecrets checks that the password literals of account statements are replaced and
// the rest of the statement kept.
func TestRedactSecrets(t *testing.T) {
	for in, want := range map[string]string{
		"CREATE USER 'u'@'%' IDENTIFIED BY 's3cr''et'":                  "CREATE USER 'u'@'%' IDENTIFIED BY '<redacted>'",
		"ALTER USER u IDENTIFIED BY PASSWORD '*94BDCEBE19083CE2A1F959'": "ALTER USER u IDENTIFIED BY PASSWORD '<redacted>'",
		"CREATE USER u IDENTIFIED VIA ed25519 USING PASSWORD('pw\\'x')": "CREATE USER u IDENTIFIED VIA ed25519 USING PASSWORD('<redacted>')",
		"CREATE USER u IDENTIFIED WITH caching_sha2_password BY 'pw'":   "CREATE USER u IDENTIFIED WITH caching_sha2_password BY '<redacted>'",
		"SET PASSWORD FOR 'u'@'h' = PASSWORD('pw')":                     "SET PASSWORD FOR 'u'@'h' = PASSWORD('<redacted>')",
		"SET PASSWORD FOR u = 'pw'":                                     "SET PASSWORD FOR u = '<redacted>'",
		"grant all on *.* to u identified by \"pw\"":                    "grant all on *.* to u identified by '<redacted>'",
		"INSERT INTO t VALUES ('IDENTIFIED', 'password')":               "INSERT INTO t VALUES ('IDENTIFIED', 'password')",
		"CREATE USER a IDENTIFIED BY 'x', b IDENTIFIED BY 'y'":          "CREATE USER a IDENTIFIED BY '<redacted>', b IDENTIFIED BY '<redacted>'",
	} {
		if got := RedactSecrets(in); got != want {
			t.Errorf("RedactSecrets(%q) = %q, want %q", in, got, want)
		}
	}
}
