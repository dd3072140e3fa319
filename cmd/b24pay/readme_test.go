package main

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestREADMECommandExamplesRun runs the calculation examples of the README's Commands table.
func TestREADMECommandExamplesRun(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	examples := regexp.MustCompile("`b24pay ((?:schedule|split) -[^`]+)`").FindAllStringSubmatch(string(raw), -1)
	require.Len(t, examples, 2)
	for _, ex := range examples {
		r := cli(shellWords(ex[1])...)
		require.Equal(t, 0, r.code, "%s: %s", ex[1], r.stderr)
	}
	require.Contains(t, string(raw), "go build -tags nomsgpack -o b24pay ./cmd/b24pay", "the README says how to build the binary, with the tag the image and tests use")
}

// shellWords splits a command line at spaces outside single quotes.
func shellWords(s string) []string {
	var words []string
	for i, part := range strings.Split(s, "'") {
		if i%2 == 1 {
			words = append(words, part)
			continue
		}
		words = append(words, strings.Fields(part)...)
	}
	return words
}
