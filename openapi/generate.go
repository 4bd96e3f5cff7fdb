package openapi

// The JSON renderings in json/ are what Load parses; Raw and the served
// YAML stay the files as written. TestJSONRenderingsAreCurrent fails when
// a spec changed without them.
//go:generate go run ./internal/tojson -in . -out json
