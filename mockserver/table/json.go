package table

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// MarshalJSON encodes the table as an object of its records keyed by id,
// in id order: what encoding/json makes of a map[string]V.
func (t Table[V]) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	if err := t.WriteJSON(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// WriteJSON writes what MarshalJSON returns to w, a record at a time, so
// that a large table never sits in memory as one encoded block. The table
// must not change meanwhile: write a Copy to encode outside a lock.
func (t *Table[V]) WriteJSON(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteByte('{')
	var err error
	if t.d != nil {
		// One encoder over one buffer for every key and record: json.Marshal
		// would allocate a result for each. Encode ends each with a newline,
		// which is cut.
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		first := true
		t.d.rows.Scan(func(r row[V]) bool {
			if !first {
				buf.WriteByte(',')
			}
			first = false
			if err = enc.Encode(r.id); err != nil {
				return false
			}
			buf.Truncate(buf.Len() - 1)
			buf.WriteByte(':')
			if err = enc.Encode(r.v()); err != nil {
				err = fmt.Errorf("table %q: record %q: %w", t.d.s.name, r.id, err)
				return false
			}
			buf.Truncate(buf.Len() - 1)
			if buf.Len() >= 32<<10 {
				_, err = bw.Write(buf.Bytes())
				buf.Reset()
			}
			return err == nil
		})
		if err == nil {
			_, err = bw.Write(buf.Bytes())
		}
	}
	if err != nil {
		return err
	}
	bw.WriteByte('}')
	return bw.Flush()
}

// UnmarshalJSON replaces the table's records with those of an object keyed
// by id (null is an empty table) and rebuilds every index. It refuses, with
// a *RecordError, a null record, a key given twice, a record filed under a
// key other than its id (unless the spec has SetID) and one the spec's
// Check refuses, checking records in id order; then, with a
// *DuplicateError, two records with one unique key (naming the later in id
// order, as InsertAll does). A refusal leaves the table as it was.
func (t *Table[V]) UnmarshalJSON(raw []byte) error {
	s := t.view().s
	if string(bytes.TrimSpace(raw)) == "null" {
		*t = Table[V]{d: newData(s)}
		return nil
	}
	type keyed struct {
		key string
		v   *V
	}
	var recs []keyed
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil {
		return err
	} else if tok != json.Delim('{') {
		return fmt.Errorf("table %q: must be an object of records keyed by id, not %s", s.name, describe(tok))
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key := tok.(string) // object keys are always strings
		var v *V
		if err := dec.Decode(&v); err != nil {
			return fmt.Errorf("table %q: record %q: %w", s.name, key, err)
		}
		if v == nil {
			return &RecordError{Table: s.name, ID: key, Reason: "a record must be an object, not null"}
		}
		recs = append(recs, keyed{key, v})
	}
	if _, err := dec.Token(); err != nil {
		return err
	}
	slices.SortStableFunc(recs, func(a, b keyed) int { return strings.Compare(a.key, b.key) })
	rows := make([]row[V], len(recs))
	var block []V // the records are stored in blocks, as InsertAll stores them
	for i, r := range recs {
		if i > 0 && recs[i-1].key == r.key {
			return &RecordError{Table: s.name, ID: r.key, Reason: "the key is given twice"}
		}
		if s.SetID != nil {
			s.SetID(r.v, r.key)
		}
		if id := s.ID(*r.v); id != r.key {
			return &RecordError{Table: s.name, ID: r.key, Reason: fmt.Sprintf("its id is %q, but it is filed under %q", id, r.key)}
		}
		if s.Check != nil {
			if err := s.Check(r.v); err != nil {
				return &RecordError{Table: s.name, ID: r.key, Reason: "refused", Err: err}
			}
			if id := s.ID(*r.v); id != r.key {
				return &RecordError{Table: s.name, ID: r.key, Reason: fmt.Sprintf("the check changed its id to %q", id)}
			}
		}
		if len(block) == cap(block) {
			block = make([]V, 0, min(blockSize, len(recs)-i))
		}
		block = append(block, *r.v)
		rows[i] = newRow(r.key, &block[len(block)-1])
	}
	d := newData(s)
	if err := d.insertAll(rows); err != nil {
		return err
	}
	t.d = d
	return nil
}

func describe(tok json.Token) string {
	switch tok := tok.(type) {
	case json.Delim:
		if tok == '[' {
			return "an array"
		}
	case string:
		return "a string"
	case float64, json.Number:
		return "a number"
	case bool:
		return "a boolean"
	}
	return fmt.Sprint(tok)
}
