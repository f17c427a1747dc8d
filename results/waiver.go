package results

// Waiver records why a result is waived: the waiver that applied and the
// status the policy gave.
type Waiver struct {
	// Status is the verdict before the waiver applied.
	Status     Status `json:"status"`
	Reason     string `json:"reason"`
	ApprovedBy string `json:"approved_by"`
	// Expires is the last day (YYYY-MM-DD) the waiver applies.
	Expires string `json:"expires"`
}
