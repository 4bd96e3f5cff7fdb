package openapi_test

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/standin/standin/openapi"
)

// testSchema is an object whose properties cover the shapes SchemaIssues
// has to dig through: a composition below a property, an array, nesting and
// keys that need escaping in a JSON pointer.
func testSchema() *openapi3.Schema {
	counted := openapi3.NewObjectSchema().WithProperty("count", openapi3.NewIntegerSchema())
	named := openapi3.NewObjectSchema().WithProperty("name", openapi3.NewStringSchema()).WithRequired([]string{"name"})
	return openapi3.NewObjectSchema().
		WithProperty("outer", openapi3.NewAllOfSchema(counted, named)).
		WithProperty("list", openapi3.NewArraySchema().WithItems(openapi3.NewAllOfSchema(counted))).
		WithProperty("tags", openapi3.NewArraySchema().WithItems(openapi3.NewStringSchema())).
		WithProperty("nested", openapi3.NewObjectSchema().WithProperty("inner",
			openapi3.NewObjectSchema().WithProperty("n", openapi3.NewIntegerSchema().WithMin(1)))).
		WithProperty("either", openapi3.NewOneOfSchema(openapi3.NewIntegerSchema(), openapi3.NewStringSchema())).
		WithProperty("any", openapi3.NewAnyOfSchema(openapi3.NewIntegerSchema(), openapi3.NewStringSchema())).
		WithProperty("a/b", openapi3.NewObjectSchema().WithProperty("c~d", openapi3.NewIntegerSchema()))
}

// issue is a SchemaIssue with the reason reduced to a fragment it must hold.
type issue struct {
	pointer []string
	rule    string
	reason  string // substring of Reason
}

func TestSchemaIssues(t *testing.T) {
	schema := testSchema()
	multi := []openapi3.SchemaValidationOption{openapi3.MultiErrors()}
	tests := []struct {
		name  string
		value any
		opts  []openapi3.SchemaValidationOption
		want  []issue
	}{
		{
			name:  "root type",
			value: "not an object",
			want:  []issue{{nil, "type", "must be an object"}},
		},
		{
			name:  "array item",
			value: map[string]any{"tags": []any{"a", 3}},
			want:  []issue{{[]string{"tags", "1"}, "type", "must be a string"}},
		},
		{
			name:  "nested property",
			value: map[string]any{"nested": map[string]any{"inner": map[string]any{"n": 0}}},
			want:  []issue{{[]string{"nested", "inner", "n"}, "minimum", "at least 1"}},
		},
		{
			name:  "escaped keys",
			value: map[string]any{"a/b": map[string]any{"c~d": "x"}},
			want:  []issue{{[]string{"a/b", "c~d"}, "type", "must be an integer"}},
		},
		{
			name:  "allOf below a property: wrong type",
			value: map[string]any{"outer": map[string]any{"count": "x", "name": "a"}},
			want:  []issue{{[]string{"outer", "count"}, "type", "must be an integer"}},
		},
		{
			name:  "allOf below a property: missing required",
			value: map[string]any{"outer": map[string]any{"count": 1}},
			want:  []issue{{[]string{"outer", "name"}, "required", `"name" is missing`}},
		},
		{
			name:  "allOf in an array item",
			value: map[string]any{"list": []any{map[string]any{"count": 1}, map[string]any{"count": "x"}}},
			want:  []issue{{[]string{"list", "1", "count"}, "type", "must be an integer"}},
		},
		{
			name:  "allOf, every failure",
			value: map[string]any{"outer": map[string]any{"count": "x"}, "tags": []any{"a", 3}},
			opts:  multi,
			want: []issue{
				{[]string{"outer", "count"}, "type", "must be an integer"},
				{[]string{"outer", "name"}, "required", `"name" is missing`},
				{[]string{"tags", "1"}, "type", "must be a string"},
			},
		},
		{
			name:  "oneOf below a property",
			value: map[string]any{"either": true},
			want: []issue{
				{[]string{"either"}, "type", "must be an integer"},
				{[]string{"either"}, "type", "must be a string"},
			},
		},
		{
			// anyOf errors carry no causes: the composition is the issue.
			name:  "anyOf below a property",
			value: map[string]any{"any": true},
			want:  []issue{{[]string{"any"}, "anyOf", "anyOf"}},
		},
		{
			name:  "several failures",
			value: map[string]any{"tags": []any{1}, "nested": map[string]any{"inner": map[string]any{"n": "x"}}},
			opts:  multi,
			want: []issue{
				{[]string{"nested", "inner", "n"}, "type", "must be an integer"},
				{[]string{"tags", "0"}, "type", "must be a string"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := schema.VisitJSON(tt.value, tt.opts...)
			if err == nil {
				t.Fatalf("VisitJSON(%v) passed, want a schema error", tt.value)
			}
			got := openapi.SchemaIssues(err)
			checkIssues(t, got, tt.want)
			// Wrapping must not hide the issues.
			checkIssues(t, openapi.SchemaIssues(fmt.Errorf("response body: %w", err)), tt.want)
		})
	}
}

// The root pointer of a top-level composition is empty, so its causes'
// pointers are right even while nested ones are not.
func TestSchemaIssuesTopLevelAllOf(t *testing.T) {
	schema := openapi3.NewAllOfSchema(
		openapi3.NewObjectSchema().WithProperty("count", openapi3.NewIntegerSchema()),
		openapi3.NewObjectSchema().WithRequired([]string{"id"}),
	)
	err := schema.VisitJSON(map[string]any{"count": "x"}, openapi3.MultiErrors())
	checkIssues(t, openapi.SchemaIssues(err), []issue{
		{[]string{"count"}, "type", "must be an integer"},
		{[]string{"id"}, "required", `"id" is missing`},
	})
}

func TestSchemaIssuesJoined(t *testing.T) {
	schema := testSchema()
	e1 := schema.VisitJSON(map[string]any{"tags": []any{3}})
	e2 := schema.VisitJSON("x")
	checkIssues(t, openapi.SchemaIssues(errors.Join(e1, e2)), []issue{
		{[]string{"tags", "0"}, "type", "must be a string"},
		{nil, "type", "must be an object"},
	})
}

func TestSchemaIssuesNone(t *testing.T) {
	for _, err := range []error{nil, io.EOF, fmt.Errorf("wrapped: %w", io.EOF), errors.Join(io.EOF, errors.New("x")), openapi3.MultiError{}} {
		if got := openapi.SchemaIssues(err); len(got) != 0 {
			t.Errorf("SchemaIssues(%v) = %+v, want none", err, got)
		}
	}
}

// SchemaIssues must not alias the pointers of one issue into another.
func TestSchemaIssuesPointersIndependent(t *testing.T) {
	err := testSchema().VisitJSON(map[string]any{"tags": []any{1, 2}}, openapi3.MultiErrors())
	got := openapi.SchemaIssues(err)
	if len(got) != 2 {
		t.Fatalf("got %d issues, want 2: %+v", len(got), got)
	}
	got[0].Pointer[0] = "changed"
	if got[1].Pointer[0] != "tags" {
		t.Errorf("changing one issue's pointer changed another's: %v", got[1].Pointer)
	}
}

func checkIssues(t *testing.T, got []openapi.SchemaIssue, want []issue) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d issues, want %d:\n got  %+v\n want %+v", len(got), len(want), got, want)
	}
	for i, w := range want {
		g := got[i]
		if !slices.Equal(g.Pointer, w.pointer) || g.Rule != w.rule || !strings.Contains(g.Reason, w.reason) {
			t.Errorf("issue %d = {%q %q %q}, want {%q %q ...%q...}", i, g.Pointer, g.Rule, g.Reason, w.pointer, w.rule, w.reason)
		}
	}
}

func TestSchemaIssuePath(t *testing.T) {
	tests := []struct {
		pointer []string
		want    string
	}{
		{nil, ""},
		{[]string{}, ""},
		{[]string{""}, "/"},
		{[]string{"a", "0", "b"}, "/a/0/b"},
		{[]string{"a/b"}, "/a~1b"},
		{[]string{"c~d"}, "/c~0d"},
		{[]string{"~1"}, "/~01"}, // "~" first, so a literal "~1" stays itself
		{[]string{"/~"}, "/~1~0"},
		{[]string{"a b", "ü"}, "/a b/ü"},
	}
	for _, tt := range tests {
		if got := (openapi.SchemaIssue{Pointer: tt.pointer}).Path(); got != tt.want {
			t.Errorf("Path(%q) = %q, want %q", tt.pointer, got, tt.want)
		}
	}
}

// Path of a real issue is the pointer kin-openapi prints.
func TestSchemaIssuePathOfValidation(t *testing.T) {
	err := testSchema().VisitJSON(map[string]any{"a/b": map[string]any{"c~d": "x"}})
	got := openapi.SchemaIssues(err)
	if len(got) != 1 {
		t.Fatalf("got %+v, want one issue", got)
	}
	if p := got[0].Path(); p != "/a~1b/c~0d" {
		t.Errorf("Path() = %q, want /a~1b/c~0d", p)
	}
}
