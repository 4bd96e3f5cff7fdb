package openapi

// The JSON renderings in json/ are what Load parses, and the lean ones
// what the Go code in internal/compiled, which LoadLean runs, is written
// from; Raw and the served YAML stay the files as written.
// TestJSONRenderingsAreCurrent and TestCompiledDocumentsAreTheLeanRenderings
// fail when a spec changed without them.
//go:generate go run ./internal/tojson -in . -out json -go internal/compiled
