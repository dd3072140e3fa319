package yookassa

// Parties in cancellation_details ([YK-PHP] CancellationDetailsPartyCode.php).
const (
	PartyMerchant       = "merchant"
	PartyYooKassa       = "yoo_kassa"
	PartyPaymentNetwork = "payment_network"
)

// Reasons in cancellation_details ([YK-PHP] CancellationDetailsReasonCode.php, reference §c.5).
const (
	Reason3DSecureFailed        = "3d_secure_failed"
	ReasonCallIssuer            = "call_issuer"
	ReasonCardExpired           = "card_expired"
	ReasonCountryForbidden      = "country_forbidden"
	ReasonFraudSuspected        = "fraud_suspected"
	ReasonGeneralDecline        = "general_decline"
	ReasonIdentificationNeeded  = "identification_required"
	ReasonInsufficientFunds     = "insufficient_funds"
	ReasonInvalidCardNumber     = "invalid_card_number"
	ReasonInvalidCSC            = "invalid_csc"
	ReasonIssuerUnavailable     = "issuer_unavailable"
	ReasonMethodLimitExceeded   = "payment_method_limit_exceeded"
	ReasonMethodRestricted      = "payment_method_restricted"
	ReasonPermissionRevoked     = "permission_revoked"
	ReasonInternalTimeout       = "internal_timeout"
	ReasonCanceledByMerchant    = "canceled_by_merchant"
	ReasonExpiredOnConfirmation = "expired_on_confirmation"
	ReasonExpiredOnCapture      = "expired_on_capture"
	ReasonDealExpired           = "deal_expired"
	ReasonUnsupportedOperator   = "unsupported_mobile_operator"
)

// CancellationDetails says who cancelled a payment and why.
type CancellationDetails struct {
	Party  string `json:"party"`
	Reason string `json:"reason"`
}

// hardDeclines are reasons after which charging the same saved method again cannot succeed and
// must not be tried: the card is gone or blocked, or the client withdrew consent (§c.5:
// permission_revoked — "stop using this method").
var hardDeclines = map[string]bool{
	ReasonCardExpired:       true,
	ReasonInvalidCardNumber: true,
	ReasonFraudSuspected:    true,
	ReasonPermissionRevoked: true,
	ReasonMethodRestricted:  true,
	ReasonCountryForbidden:  true,
}

// HardDecline reports whether a cancellation reason forbids retrying with the same method.
// Unknown reasons are treated as soft: a retry on the dunning schedule is harmless.
func HardDecline(reason string) bool { return hardDeclines[reason] }
