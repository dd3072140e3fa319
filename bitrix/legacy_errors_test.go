package bitrix

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Legacy crm.<entity>.get answers 400 with an empty code (decoded as HTTP_400) and a description.
func TestLegacyErrorsWithEmptyCodeMatchTheirSentinels(t *testing.T) {
	t.Parallel()
	notFound := &APIError{Code: "HTTP_400", Description: "Not found", HTTPStatus: 400}
	denied := &APIError{Code: "HTTP_400", Description: "Access denied", HTTPStatus: 400}
	require.ErrorIs(t, notFound, ErrNotFound)
	require.NotErrorIs(t, notFound, ErrAccessDenied)
	require.ErrorIs(t, denied, ErrAccessDenied)
	require.NotErrorIs(t, denied, ErrNotFound)
	other := &APIError{Code: "CRM_FIELD_ERROR", Description: "Not found", HTTPStatus: 400}
	require.NotErrorIs(t, other, ErrNotFound, "only an empty code is read by its description")
}
