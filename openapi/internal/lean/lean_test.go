package lean

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestLeanDropsProseAndExamplesButNoName(t *testing.T) {
	doc := `{
	  "info": {"title": "T", "description": "about", "version": "1"},
	  "paths": {"/description": {"get": {"summary": "s", "description": "d", "operationId": "op",
	    "parameters": [{"name": "example", "in": "query", "description": "p", "example": 3, "schema": {"type": "string"}}],
	    "responses": {"200": {"description": "ok", "content": {"application/json": {"example": {"a": 1},
	      "schema": {"type": "object", "properties": {
	        "description": {"type": "string", "description": "a field called description", "example": "x"},
	        "summary": {"type": "string"},
	        "example": {"type": "object", "default": {"description": "kept: a value"}, "enum": [{"example": 1}]}}}}}}}}}},
	  "components": {"securitySchemes": {"oauth": {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "/t",
	    "scopes": {"description": "a scope called description"}}}}}},
	  "x-notes": {"description": "an extension is data"}
	}`
	got, err := JSON([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := `{
	  "info": {"title": "T", "description": "", "version": "1"},
	  "paths": {"/description": {"get": {"description": "", "operationId": "op",
	    "parameters": [{"name": "example", "in": "query", "description": "", "schema": {"type": "string"}}],
	    "responses": {"200": {"description": "", "content": {"application/json": {
	      "schema": {"type": "object", "properties": {
	        "description": {"type": "string", "description": ""},
	        "summary": {"type": "string"},
	        "example": {"type": "object", "default": {"description": "kept: a value"}, "enum": [{"example": 1}]}}}}}}}}}},
	  "components": {"securitySchemes": {"oauth": {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "/t",
	    "scopes": {"description": "a scope called description"}}}}}},
	  "x-notes": {"description": "an extension is data"}
	}`
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("JSON =\n%s\nwant\n%s", got, want)
	}
}
