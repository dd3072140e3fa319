package portal

import (
	"os"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestREADMEAsksForExactlyTheScopes keeps the registration table of the README on Scopes.
func TestREADMEAsksForExactlyTheScopes(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	row := regexp.MustCompile("(?m)^\\| Scopes \\(права\\) \\| (.+) \\|$").FindStringSubmatch(string(raw))
	require.NotNil(t, row, "README has the Scopes row of the registration table")
	var listed []string
	for _, m := range regexp.MustCompile("`([a-z_]+)`").FindAllStringSubmatch(row[1], -1) {
		listed = append(listed, m[1])
	}
	require.Equal(t, Scopes, listed)
}
