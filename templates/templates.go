// Package templates holds the HTML pages (Bitrix24 tab, install and app pages, errors) and their
// static assets, embedded in the binary. Every page is parsed once at start-up, so a broken
// template stops the service instead of failing a user's request.
package templates

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
)

//go:embed pages/*.html pages/partials/*.html
var pageFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Engine renders the parsed pages.
type Engine struct {
	pages map[string]*template.Template
}

// New parses every page with the shared layout and the partials (pages/partials).
func New() (*Engine, error) {
	names, err := fs.Glob(pageFiles, "pages/*.html")
	if err != nil {
		return nil, err
	}
	e := &Engine{pages: map[string]*template.Template{}}
	for _, path := range names {
		name := path[len("pages/"):]
		if name == "layout.html" {
			continue
		}
		t, err := template.New(name).Funcs(funcs).ParseFS(pageFiles, "pages/layout.html", "pages/partials/*.html", path)
		if err != nil {
			return nil, fmt.Errorf("templates: %s: %w", name, err)
		}
		e.pages[name] = t
	}
	return e, nil
}

// Render writes the named page (e.g. "tab.html") with data.
func (e *Engine) Render(w io.Writer, name string, data any) error {
	t, ok := e.pages[name]
	if !ok {
		return fmt.Errorf("templates: no page %q", name)
	}
	return t.ExecuteTemplate(w, "layout", data)
}

// Static serves the CSS and JavaScript under /static.
func Static() http.FileSystem {
	sub, _ := fs.Sub(staticFiles, "static")
	return http.FS(sub)
}
