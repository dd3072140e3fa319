package sbpfake

import (
	"errors"
	"net/http"
	"time"
)

// Config sets up a fake bank.
type Config struct {
	// SBPMerchantID is the one merchant the bank knows (required).
	SBPMerchantID string
	// SecretKey authorises API calls and signs callbacks (required).
	SecretKey string
	// MerchantID is the bank-side merchant number; zero means 123.
	MerchantID int64
	// BankID is the 12-digit SBP id put in links; empty means 100000000007.
	BankID string
	// NotificationURL receives callbacks; it may also be set through the API.
	NotificationURL string
	// RetryDelays are the waits before each redelivery of a callback that did not get HTTP 200;
	// nil means three quick retries (10, 20, 40 ms).
	RetryDelays []time.Duration
	// HTTPClient sends callbacks; nil means a client with a 5 s timeout.
	HTTPClient *http.Client
	// Now is the bank's clock; nil means time.Now.
	Now func() time.Time
	// Subscriptions is the bank-side enablement of SBP subscriptions (account binding, §b.8 of
	// the reference: "needs additional configuration from the bank"); off, every binding call and
	// a QR with a subscription offer are refused.
	Subscriptions bool
}

// Validate reports what is missing.
func (c Config) Validate() error {
	var errs []error
	if c.SBPMerchantID == "" {
		errs = append(errs, errors.New("sbpfake: SBPMerchantID is required"))
	}
	if c.SecretKey == "" {
		errs = append(errs, errors.New("sbpfake: SecretKey is required"))
	}
	if c.BankID != "" && len(c.BankID) != 12 {
		errs = append(errs, errors.New("sbpfake: BankID must be 12 digits"))
	}
	return errors.Join(errs...)
}

func (c Config) withDefaults() Config {
	if c.MerchantID == 0 {
		c.MerchantID = 123
	}
	if c.BankID == "" {
		c.BankID = "100000000007"
	}
	if c.RetryDelays == nil {
		c.RetryDelays = []time.Duration{10 * time.Millisecond, 20 * time.Millisecond, 40 * time.Millisecond}
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: 5 * time.Second}
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}
