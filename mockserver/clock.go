package mockserver

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ClockKind is the name under which a namespace's clock offset is kept in
// the Store, beside the APIs' states (and in snapshots, as "clock").
const ClockKind = "clock"

// Clock is the time an API sees in each namespace: a base clock plus the
// namespace's offset, which the admin API moves forward (POST
// /__standin/clock) so that tokens expire and jobs finish without waiting.
// The offset lives in the Store, so a reset puts the namespace back on
// the base clock and a snapshot carries it.
type Clock struct {
	base  func() time.Time
	state *State[ClockState]
}

// ClockState is one namespace's clock: how far it runs ahead of the base
// clock.
type ClockState struct {
	Offset time.Duration `json:"offset"` // nanoseconds, never negative
}

// NewClock registers the clock kind in store and returns the clock that
// reads it over base (time.Now when nil). Clocks made over the same store
// share their offsets whatever their base.
func NewClock(store Store, base func() time.Time) *Clock {
	if base == nil {
		base = time.Now
	}
	return &Clock{base: base, state: NewState(store, ClockKind, func() *ClockState { return &ClockState{} }, checkClock)}
}

func checkClock(c *ClockState) error {
	if c.Offset < 0 {
		return Invalid("/offset", "must not be negative, got %d", c.Offset)
	}
	return nil
}

// Now returns the time in the namespace carried by ctx.
func (c *Clock) Now(ctx context.Context) time.Time {
	return c.base().Add(c.Offset(ctx))
}

// Offset returns how far the namespace carried by ctx runs ahead of the
// base clock.
func (c *Clock) Offset(ctx context.Context) time.Duration {
	var off time.Duration
	_ = c.state.View(ctx, func(s *ClockState) error { off = s.Offset; return nil })
	return off
}

// Advance moves the clock of the namespace carried by ctx forward by d,
// which must not be negative, and returns the new offset. Time never runs
// backwards within a namespace; a reset starts it over.
func (c *Clock) Advance(ctx context.Context, d time.Duration) (time.Duration, error) {
	if d < 0 {
		return 0, fmt.Errorf("%w: cannot move back by %s", ErrClockRange, -d)
	}
	var off time.Duration
	err := c.state.Update(ctx, func(s *ClockState) error {
		if s.Offset > maxClockOffset-d {
			return fmt.Errorf("%w: %s more would put it more than %s ahead", ErrClockRange, d, maxClockOffset)
		}
		s.Offset += d
		off = s.Offset
		return nil
	})
	return off, err
}

// ErrClockRange is returned by Advance for a move backwards or too far.
var ErrClockRange = errors.New("clock: advance out of range")

// maxClockOffset bounds how far a namespace's clock may run ahead, far
// below the overflow of time.Duration (292 years).
const maxClockOffset = 100 * 365 * 24 * time.Hour
