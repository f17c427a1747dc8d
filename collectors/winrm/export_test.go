package winrm

import "time"

// SetRequestGrace shortens the per-request grace for a test; the returned
// func restores it.
func SetRequestGrace(d time.Duration) func() {
	old := requestGrace
	requestGrace = d
	return func() { requestGrace = old }
}
