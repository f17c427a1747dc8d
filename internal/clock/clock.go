// Package clock holds supaudit's one reading of the wall clock.
//
// Every part of supaudit that needs the current time (a snapshot's
// collected_at, certificate verification during a probe, a report's
// generated_at, waiver expiry) takes a Func from its caller; only the
// command's entry point passes Wall. Tests pass a fixed Func, so no test
// result depends on the day the suite runs. TestOneWallClock (in this
// package) fails when another non-test file reads the wall clock.
package clock

import "time"

// Func returns the current time.
type Func func() time.Time

// Wall is the real clock: the only call of time.Now in production code.
func Wall() time.Time { return time.Now() }

// Fixed returns a Func that always returns t.
func Fixed(t time.Time) Func { return func() time.Time { return t } }

// Or returns f, or Wall when f is nil: the default for a library's zero
// Options.
func Or(f func() time.Time) Func {
	if f != nil {
		return f
	}
	return Wall
}
