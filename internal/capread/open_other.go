//go:build !unix

package capread

// openFlags: no non-blocking open outside Unix; Regular's check before the
// open refuses named pipes there.
const openFlags = 0
