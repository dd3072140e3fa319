package app

import "errors"

// validateCabinetURL checks B24PAY_CABINET_URL like B24PAY_PUBLIC_URL: an absolute https base
// (http only on loopback). Empty means the cabinet is served on the public URL.
func validateCabinetURL(raw string) error {
	err := validatePublicURL(raw)
	var ce *ConfigError
	if errors.As(err, &ce) {
		return &ConfigError{"B24PAY_CABINET_URL", ce.Msg}
	}
	return err
}
