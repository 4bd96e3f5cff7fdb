package mocks

import (
	"io"

	"github.com/standin/standin/mockserver"
)

// SetEncode replaces how d writes a snapshot into a file, so that tests
// can make a write fail half-way.
func SetEncode(d *StateDir, encode func(io.Writer, mockserver.Snapshot) error) { d.encode = encode }

var FileName, NamespaceOf = fileName, namespaceOf
