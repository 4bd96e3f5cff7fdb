package main

import (
	"context"
	"fmt"
	"io"
	"slices"

	"github.com/standin/standin/openapi"
)

const validateSynopsis = `Loads every embedded spec (or only --api), checks it against the OpenAPI 3
rules and every example in it against its schema. Exits 1 if any fails.`

func validate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("validate", validateSynopsis, stderr)
	api := fs.String("api", "", "check only this API")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	names := openapi.Names()
	if *api != "" {
		if !slices.Contains(names, *api) {
			fmt.Fprintf(stderr, "--api must be one of %v, got %q\n", names, *api)
			return exitCode(2)
		}
		names = []string{*api}
	}
	failed := 0
	for _, name := range names {
		if err := openapi.Validate(ctx, name); err != nil {
			failed++
			fmt.Fprintf(stdout, "FAIL %s: %v\n", name, err)
			continue
		}
		doc, _ := openapi.Load(name)
		ops := 0
		for _, item := range doc.Paths.Map() {
			ops += len(item.Operations())
		}
		fmt.Fprintf(stdout, "ok   %s: %d operations, %d schemas, examples valid\n", name, ops, len(doc.Components.Schemas))
	}
	if failed > 0 {
		return exitCode(1)
	}
	return nil
}
