// Package docs embeds the documents the service links from its home page (GET /docs/NAME).
package docs

import "embed"

//go:embed *.md
var files embed.FS

// File returns an embedded document by name, e.g. "ARCHITECTURE.md".
func File(name string) ([]byte, bool) {
	b, err := files.ReadFile(name)
	return b, err == nil
}
