// Package secret encrypts secrets at rest (OAuth tokens, provider keys) with AES-256-GCM.
package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
)

// KeySize is the length of the master key in bytes.
const KeySize = 32

// version prefixes every sealed value so the format can change later.
const version = "v1:"

// ErrTampered means a sealed value was altered, truncated or sealed with another key.
var ErrTampered = errors.New("secret: sealed value is corrupt or was sealed with another key")

// Box seals and opens values with one key. The zero value is not usable; use New.
type Box struct {
	aead cipher.AEAD
}

// New builds a Box from a 32-byte key.
func New(key []byte) (*Box, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("secret: key must be %d bytes, got %d", KeySize, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Box{aead: aead}, nil
}

// Seal encrypts plaintext; associated binds the ciphertext to a context (e.g. "portal:<member_id>:access")
// so a value copied to another row does not open. The result is printable text.
func (b *Box) Seal(plaintext, associated string) (string, error) {
	nonce := make([]byte, b.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("secret: nonce: %w", err)
	}
	sealed := b.aead.Seal(nonce, nonce, []byte(plaintext), []byte(associated))
	return version + base64.RawURLEncoding.EncodeToString(sealed), nil
}

// Open decrypts a value produced by Seal with the same associated data.
func (b *Box) Open(sealed, associated string) (string, error) {
	if len(sealed) < len(version) || sealed[:len(version)] != version {
		return "", ErrTampered
	}
	raw, err := base64.RawURLEncoding.DecodeString(sealed[len(version):])
	if err != nil || len(raw) < b.aead.NonceSize() {
		return "", ErrTampered
	}
	nonce, ct := raw[:b.aead.NonceSize()], raw[b.aead.NonceSize():]
	plain, err := b.aead.Open(nil, nonce, ct, []byte(associated))
	if err != nil {
		return "", ErrTampered
	}
	return string(plain), nil
}
