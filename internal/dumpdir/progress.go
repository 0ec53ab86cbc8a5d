package dumpdir

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// SchemasName and ProgressName are the progress markers of a dump being written to a directory
// or object store, for a load that follows it (sluice load --wait-dump): SchemasName holds the
// dump's metadata as it stands once every schema file is written (SaveSchemas), ProgressName
// the data files finished since, in order, and the tables that have no more (SaveProgress). Both
// are written whole (a temporary file renamed, or one object put), 0600, encrypted as the other
// files of an encrypted dump, and left in place once the dump is complete: the metadata file
// still says alone that the dump is complete and which files it holds; a load hashes
// SchemasName, when there, to identify the dump, so a restore begun on a dump being written is
// resumed once it is complete. sluice list, verify and prune ignore them.
const (
	SchemasName  = "sluice-dump.schemas"
	ProgressName = "sluice-dump.progress"
)

// SaveSchemas writes m, the metadata as it stands once every schema file is written, as the
// dump's SchemasName marker. Its finish time is its start time (the marker is never the
// metadata file).
func (d *Dir) SaveSchemas(ctx context.Context, m *Metadata) error {
	c := *m
	c.Finished = c.Started
	_, err := d.WriteFile(ctx, SchemasName, c.encode())
	return err
}

// ReadSchemas reads the SchemasName marker SaveSchemas wrote, decrypting it with d's
// identities; an error wrapping ErrNotExist when there is none (a dump not begun, or written by
// an older sluice or mydumper).
func (d *Dir) ReadSchemas(ctx context.Context) (*Metadata, error) {
	enc, err := d.ReadFile(ctx, SchemasName)
	if err != nil {
		return nil, err
	}
	raw, err := d.clearMarker(SchemasName, enc)
	if err != nil {
		return nil, err
	}
	m, err := parseMetadata(d.path(SchemasName), raw)
	if err != nil {
		return nil, err
	}
	m.Encrypted = IsEncrypted(enc)
	return m, nil
}

// SaveProgress rewrites the ProgressName marker with events: the data files finished (synced
// and renamed) and the tables ended, in the order they happened.
func (d *Dir) SaveProgress(ctx context.Context, events []PipeEvent) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	for _, e := range events {
		if err := enc.Encode(e); err != nil {
			return err
		}
	}
	_, err := d.WriteFile(ctx, ProgressName, b.Bytes())
	return err
}

// ReadProgress returns the events of the ProgressName marker (none when there is no marker
// yet), or an error naming the file when it is malformed.
func (d *Dir) ReadProgress(ctx context.Context) ([]PipeEvent, error) {
	raw, err := d.readMarker(ctx, ProgressName)
	if errors.Is(err, ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []PipeEvent
	dec := json.NewDecoder(bytes.NewReader(raw))
	for dec.More() {
		var e PipeEvent
		if err := dec.Decode(&e); err != nil {
			return nil, fmt.Errorf("%s: %w: the progress marker is corrupt; load the dump once it is complete, without --wait-dump", d.path(ProgressName), err)
		}
		out = append(out, e)
	}
	return out, nil
}

// readMarker returns the marker name's content, decrypted when it is encrypted.
func (d *Dir) readMarker(ctx context.Context, name string) ([]byte, error) {
	raw, err := d.ReadFile(ctx, name)
	if err != nil {
		return nil, err
	}
	return d.clearMarker(name, raw)
}

// clearMarker returns raw, the content of the marker name, decrypted when it is encrypted.
func (d *Dir) clearMarker(name string, raw []byte) ([]byte, error) {
	if IsEncrypted(raw) {
		if d.identities == nil {
			return nil, fmt.Errorf("%s: %w", d, ErrNeedIdentity)
		}
		return d.plaintext(name, raw)
	}
	return raw, nil
}
