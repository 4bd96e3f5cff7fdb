package openapi_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/standin/standin/openapi"
)

// A path with an empty parameter is no request for that operation:
// "PUT /app" is not "PUT /app/{id}" with an empty id.
func TestFindRouteRefusesEmptyParameters(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData([]byte(`
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /app:
    post:
      responses: {"200": {description: ok}}
  /app/{id}:
    put:
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok}}
`))
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := openapi.FindRoute(router, httptest.NewRequest("PUT", "/app", nil)); !errors.Is(err, routers.ErrPathNotFound) {
		t.Errorf("PUT /app: %v, want ErrPathNotFound", err)
	}
	route, params, err := openapi.FindRoute(router, httptest.NewRequest("PUT", "/app/a1", nil))
	if err != nil || route.Path != "/app/{id}" || params["id"] != "a1" {
		t.Errorf("PUT /app/a1: %v %v %v", route, params, err)
	}
}
