package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/standin/standin/openapi"
)

const validateSynopsis = `Loads every embedded spec (or only --api), checks it against the OpenAPI 3
rules and every example in it against its schema. With FILE arguments it
checks those OpenAPI 3 files instead (references to other files are
followed, to URLs not), e.g. a spec you are writing:

  standin validate openapi/rocketchat.yaml my-api.yaml

Prints a line per spec (ok, or FAIL and the error); exits 1 if any fails.`

func validate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("validate", validateSynopsis, stderr)
	api := fs.String("api", "", "check only this API's embedded spec")
	if err := parseFlagsArgs(fs, args); err != nil {
		return err
	}
	files := fs.Args()
	if len(files) > 0 && *api != "" {
		fmt.Fprintln(stderr, "give --api or FILE arguments, not both")
		return usageHint(fs)
	}
	failed := 0
	check := func(name string, doc *openapi3.T, err error) {
		if err != nil {
			failed++
			fmt.Fprintf(stdout, "FAIL %s: %v\n", name, err)
			return
		}
		ops, schemas := 0, 0
		if doc.Paths != nil {
			for _, item := range doc.Paths.Map() {
				ops += len(item.Operations())
			}
		}
		if doc.Components != nil {
			schemas = len(doc.Components.Schemas)
		}
		fmt.Fprintf(stdout, "ok   %s: %d operations, %d schemas, examples valid\n", name, ops, schemas)
	}
	if len(files) > 0 {
		for _, f := range files {
			doc, err := openapi.ValidateFile(ctx, f)
			check(f, doc, err)
		}
	} else {
		names := openapi.Names()
		if *api != "" {
			if !slices.Contains(names, *api) {
				fmt.Fprintf(stderr, "--api must be one of %s, got %q\n", strings.Join(names, ", "), *api)
				return exitCode(2)
			}
			names = []string{*api}
		}
		for _, name := range names {
			if err := openapi.Validate(ctx, name); err != nil {
				check(name, nil, err)
				continue
			}
			doc, err := openapi.Load(name)
			check(name, doc, err)
		}
	}
	if failed > 0 {
		return exitCode(1)
	}
	return nil
}
