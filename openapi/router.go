package openapi

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy/pathpattern"
)

// Router routes requests to the operations of a document whose servers
// list is empty, as Load and LoadLean give them: paths are matched whole,
// relative to wherever the API is mounted. It matches as kin-openapi's
// legacy router does, with the same path patterns (package pathpattern),
// the same routes and the same errors (TestRouterRoutesAsKinOpenAPIDoes),
// but does not validate the document first. That check takes 10 to 20 ms
// per spec when a server starts, more than building the document, and
// the embedded specs are validated whole by this package's tests; a
// document from elsewhere is better routed by legacy.NewRouter, which
// checks it.
type Router struct {
	doc  *openapi3.T
	root pathpattern.Node
	// static holds the routes whose path has no parameters, by method and
	// path: most requests name one, and a map finds it without walking
	// (and allocating in) the pattern tree.
	static map[string]map[string]*routers.Route
}

// ErrServers is returned by NewRouter for a document that lists servers.
var ErrServers = errors.New("openapi: a document with servers is routed by kin-openapi's routers")

// NewRouter returns a Router over the operations of doc.
func NewRouter(doc *openapi3.T) (*Router, error) {
	if len(doc.Servers) > 0 {
		return nil, ErrServers
	}
	r := &Router{doc: doc, static: map[string]map[string]*routers.Route{}}
	if doc.Paths == nil {
		return r, nil
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			route := &routers.Route{Spec: doc, Path: path, PathItem: item, Method: method, Operation: op}
			if err := r.root.Add(method+" "+path, route, nil); err != nil {
				return nil, fmt.Errorf("openapi: route %s %s: %w", method, path, err)
			}
			if !strings.Contains(path, "{") {
				if r.static[method] == nil {
					r.static[method] = map[string]*routers.Route{}
				}
				r.static[method][path] = route
			}
		}
	}
	return r, nil
}

// FindRoute returns the operation req is for and its path parameters, or a
// *routers.RouteError saying that no operation has req's path, or none
// req's method there. The parameters of a path without any may be nil.
func (r *Router) FindRoute(req *http.Request) (*routers.Route, map[string]string, error) {
	path := req.URL.Path
	if route := r.static[req.Method][path]; route != nil {
		return route, nil, nil
	}
	node, values := r.root.Match(req.Method + " " + path)
	var route *routers.Route
	if node != nil {
		route, _ = node.Value.(*routers.Route)
	}
	if route == nil {
		if item := r.doc.Paths.Value(path); item != nil && item.GetOperation(req.Method) == nil {
			return nil, nil, &routers.RouteError{Reason: routers.ErrMethodNotAllowed.Error()}
		}
		return nil, nil, &routers.RouteError{Reason: routers.ErrPathNotFound.Error()}
	}
	params := make(map[string]string, len(values))
	for i, v := range values {
		params[strings.TrimSuffix(node.VariableNames[i], "*")] = v
	}
	return route, params, nil
}
