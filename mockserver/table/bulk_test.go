package table_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/standin/standin/mockserver/table"
)

// InsertAll and UnmarshalJSON store records in shared blocks: a batch
// larger than a block must answer as Inserts do, and later changes to
// some of its records (and to the caller's batch) must leave the others,
// and a copy taken before, as they were.
func TestBlocksOfRecords(t *testing.T) {
	var us []user
	for i := range 2500 {
		us = append(us, mk(fmt.Sprintf("u%04d", (i*7919)%2500), fmt.Sprintf("N%04d", i), "abc"[i%3:i%3+1], i%17, i%5))
	}
	var bulk table.Table[user]
	if err := bulk.InsertAll(us); err != nil {
		t.Fatal(err)
	}
	want := fingerprint(t, fill(t, us...))
	if got := fingerprint(t, &bulk); got != want {
		t.Fatal("InsertAll of several blocks differs from Inserts")
	}
	raw, err := json.Marshal(&bulk)
	if err != nil {
		t.Fatal(err)
	}
	var decoded table.Table[user]
	if err := json.Unmarshal(raw, &decoded); err != nil {
		t.Fatal(err)
	}
	if got := fingerprint(t, &decoded); got != want {
		t.Fatal("a decoded table differs from Inserts")
	}
	for _, tb := range []*table.Table[user]{&bulk, &decoded} {
		before := tb.Copy()
		us[1].Name, us[1].Roles[0] = "changed", "changed" // the caller's batch
		model := fill(t, us[2:]...)
		for i := 2; i < len(us); i += 3 {
			if _, ok := tb.Delete(us[i].ID); !ok {
				t.Fatalf("Delete(%s) found nothing", us[i].ID)
			}
			model.Delete(us[i].ID)
			if i+1 < len(us) {
				v := us[i+1]
				v.Count, v.Roles = 99, []string{"moved"}
				if err := tb.Replace(v); err != nil {
					t.Fatal(err)
				}
				if err := model.Replace(v); err != nil {
					t.Fatal(err)
				}
			}
		}
		if _, ok := tb.Delete(us[0].ID); !ok {
			t.Fatal("Delete(us[0]) found nothing")
		}
		if _, ok := tb.Delete(us[1].ID); !ok {
			t.Fatal("Delete(us[1]) found nothing")
		}
		if got := fingerprint(t, tb); got != fingerprint(t, model) {
			t.Error("after deletes and replaces, the table differs from Inserts of the same records")
		}
		if got := fingerprint(t, &before); got != want {
			t.Error("a copy taken before the changes saw them")
		}
		us[1].Name, us[1].Roles = "N0001", []string{"user"}
	}
}
