package table

// SetKeyHash makes h the hash of unique keys until the function it
// returns restores the hash, so that tests can make keys collide.
func SetKeyHash(h func(key string) uint64) (restore func()) {
	old := keyHash
	keyHash = h
	return func() { keyHash = old }
}

// SetSmallPart makes n the most entries a partition holds as a slice
// until the function it returns restores the limit.
func SetSmallPart(n int) (restore func()) {
	old := smallPart
	smallPart = n
	return func() { smallPart = old }
}
