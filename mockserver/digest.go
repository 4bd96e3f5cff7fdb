package mockserver

import (
	"crypto/sha256"
	"encoding/hex"
)

// SecretDigest is the hexadecimal SHA-256 of a secret: how the mocks keep
// passwords and tokens, so that no snapshot, export or inspector view holds
// one. Being an array, it lives on the stack: a map lookup by
// string(d[:]) allocates nothing, which matters on the path every
// authenticated request takes.
type SecretDigest [2 * sha256.Size]byte

// DigestSecret returns the digest of secret.
func DigestSecret(secret string) SecretDigest {
	var d SecretDigest
	var buf [64]byte // a token's or password's bytes, on the stack; a longer secret grows past it
	sum := sha256.Sum256(append(buf[:0], secret...))
	hex.Encode(d[:], sum[:])
	return d
}

// String returns the digest as the mocks store it.
func (d SecretDigest) String() string { return string(d[:]) }
