package table

// SetKeyHash makes h the hash of unique keys until the function it
// returns restores the hash, so that tests can make keys collide.
func SetKeyHash(h func(key string) uint64) (restore func()) {
	old := keyHash
	keyHash = h
	return func() { keyHash = old }
}
