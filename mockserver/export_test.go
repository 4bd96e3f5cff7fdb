package mockserver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"testing"

	"github.com/standin/standin/mockserver"
)

// notes is a state that writes its own JSON (a StateWriter) and is
// exported from a copy (a Copier), as Rocket.Chat's state is.
type notes struct {
	Items []string `json:"items"`
}

func (n *notes) WriteJSON(w io.Writer) error {
	raw, err := json.Marshal(struct {
		Items []string `json:"items"`
	}{n.Items})
	if err != nil {
		return err
	}
	// Written in pieces, as a state that streams its records would.
	for len(raw) > 0 {
		k := min(len(raw), 3)
		if _, err := w.Write(raw[:k]); err != nil {
			return err
		}
		raw = raw[k:]
	}
	return nil
}

func (n *notes) CopyState() any { return &notes{Items: append([]string(nil), n.Items...)} }

// The streamed export (WriteExport, which GET /__standin/snapshot sends)
// must be byte for byte what WriteSnapshot writes of Export's result:
// every namespace or one, states that write themselves and states that
// encoding/json writes, keys in order, text that JSON escapes, a store or
// a namespace with nothing in it.
func TestWriteExportIsWriteSnapshotOfExport(t *testing.T) {
	st, c := newCounterStore()
	n := mockserver.NewState(st, "notes", func() *notes { return &notes{Items: []string{}} }, nil)
	ctx := context.Background()
	check := func(what string, namespaces ...string) {
		t.Helper()
		for _, ns := range namespaces {
			snap, err := st.Export(ctx, ns)
			if err != nil {
				t.Fatal(err)
			}
			var want, got bytes.Buffer
			if err := mockserver.WriteSnapshot(&want, snap); err != nil {
				t.Fatal(err)
			}
			if err := st.WriteExport(ctx, ns, &got); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Errorf("%s, namespace %q: WriteExport wrote\n%s\nWriteSnapshot of Export writes\n%s", what, ns, &got, &want)
			}
		}
	}
	check("an empty store", "", "a")

	fill(t, c, map[string]int{"b": 2, "a": 1, mockserver.DefaultNamespace: 3, "c.d-e_f": 1})
	for _, ns := range []string{"b", "zz", "a"} {
		if err := n.Update(nsCtx(ns), func(s *notes) error {
			s.Items = append(s.Items, "<b>&amp;</b> \u2028 \"quoted\" é "+ns)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	check("two APIs in several namespaces", "", "a", "b", "zz", "c.d-e_f", mockserver.DefaultNamespace, "none")

	if err := st.Reset(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	check("after a reset", "", "b")
}
