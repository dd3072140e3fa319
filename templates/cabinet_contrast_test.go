package templates

import (
	"io/fs"
	"math"
	"regexp"
	"strconv"
	"testing"
)

// The cabinet's text colours keep a WCAG contrast of at least 4.5:1 on the backgrounds they sit on.
func TestCabinetColoursContrast(t *testing.T) {
	t.Parallel()
	css, err := fs.ReadFile(staticFiles, "static/cabinet.css")
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"white": "#ffffff", "badge": "#eef1f5"}
	for _, m := range regexp.MustCompile(`--([a-z-]+):\s*(#[0-9a-f]{6})`).FindAllStringSubmatch(string(css), -1) {
		vars[m[1]] = m[2]
	}
	for _, pair := range [][2]string{{"text", "bg"}, {"text", "card"}, {"muted", "card"}, {"muted", "bg"}, {"accent", "card"},
		{"white", "accent"}, {"white", "accent-dark"}, {"late", "late-bg"}, {"late", "card"}, {"ok", "ok-bg"},
		{"muted", "badge"}, {"text", "warn-bg"}} {
		fg, bg := vars[pair[0]], vars[pair[1]]
		if fg == "" || bg == "" {
			t.Fatalf("colour %v not in cabinet.css", pair)
		}
		if r := contrast(fg, bg); r < 4.5 {
			t.Errorf("%s on %s: contrast %.2f:1, below 4.5:1", pair[0], pair[1], r)
		}
	}
}

func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

func luminance(hex string) float64 {
	ch := func(i int) float64 {
		v, _ := strconv.ParseUint(hex[i:i+2], 16, 8)
		c := float64(v) / 255
		if c <= 0.03928 {
			return c / 12.92
		}
		return math.Pow((c+0.055)/1.055, 2.4)
	}
	return 0.2126*ch(1) + 0.7152*ch(3) + 0.0722*ch(5)
}
