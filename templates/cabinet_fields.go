package templates

import "html/template"

// cabinetField is one labelled input of a cabinet form.
type cabinetField struct {
	Name, Label, Type, Value, Auto, Err string
	Required                            bool
}

// funcs are the helpers the pages may call.
var funcs = template.FuncMap{
	// field builds a labelled input: name, label, type, value, autocomplete, error, required.
	"field": func(name, label, typ, value, auto, err string, required bool) cabinetField {
		return cabinetField{Name: name, Label: label, Type: typ, Value: value, Auto: auto, Err: err, Required: required}
	},
}
