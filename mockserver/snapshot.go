package mockserver

import (
	"encoding/json"
	"errors"
	"io"
)

// ParseSnapshot reads a snapshot in the form GET /__standin/snapshot
// writes it, {namespace: {api: state}}: one JSON object and nothing but
// white space after it. It checks only the form; [Store.Import] decodes
// and checks each API's state.
func ParseSnapshot(data []byte) (Snapshot, error) {
	var snap Snapshot
	if err := decodeStrict(data, &snap); err != nil {
		return nil, err
	}
	if snap == nil {
		return nil, errors.New("a snapshot must be a JSON object {namespace: {api: state}}, not null")
	}
	return snap, nil
}

// WriteSnapshot writes snap as GET /__standin/snapshot does, so that a
// file written with it reads back with ParseSnapshot and can be sent to
// PUT /__standin/snapshot as it is.
func WriteSnapshot(w io.Writer, snap Snapshot) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(snap)
}
