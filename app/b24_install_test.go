package app

import (
	"testing"

	"github.com/stretchr/testify/require"

	"b24pay/bitrix"
	"b24pay/portal"
)

func TestMissingPermissionsMessageNamesEveryScope(t *testing.T) {
	t.Parallel()
	msg := installErrorText(&portal.StepError{Step: portal.StepPlacements, Err: bitrix.ErrInsufficientScope})
	for _, s := range portal.Scopes {
		require.Contains(t, msg, s)
	}
}
