package openapi

import (
	"net/http"

	"github.com/getkin/kin-openapi/routers"
)

// FindRoute is router.FindRoute, except that a path parameter may not be
// empty: kin-openapi's routers match "/app" to "/app/{clientId}" with an
// empty id, which is no request for that operation. The server and the
// contract validator route with it, so that they agree.
func FindRoute(router routers.Router, r *http.Request) (*routers.Route, map[string]string, error) {
	route, params, err := router.FindRoute(r)
	if err != nil {
		return nil, nil, err
	}
	for _, v := range params {
		if v == "" {
			return nil, nil, routers.ErrPathNotFound
		}
	}
	return route, params, nil
}
