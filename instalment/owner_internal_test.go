package instalment

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestTrustedFlagReadsTheCurrentAndTheLegacyFieldName(t *testing.T) {
	t.Parallel()
	require.True(t, trustedFlag(map[string]any{"UF_CRM_COMPANY_B24PAY_TRUSTED": "1"}, "CRM_COMPANY"))
	require.True(t, trustedFlag(map[string]any{"UF_CRM_B24PAY_TRUSTED": "Y"}, "CRM_CONTACT"), "a portal set up by an earlier version")
	require.False(t, trustedFlag(map[string]any{"UF_CRM_CONTACT_B24PAY_TRUSTED": "0"}, "CRM_CONTACT"))
	require.False(t, trustedFlag(map[string]any{"TITLE": "ООО"}, "CRM_COMPANY"))
}
