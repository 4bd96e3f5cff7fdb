package mockserver

// NonZero returns a pointer to v, or nil when v is its type's zero value:
// how the fakes leave an empty optional field out of a generated wire type.
func NonZero[T comparable](v T) *T {
	var zero T
	if v == zero {
		return nil
	}
	return &v
}
