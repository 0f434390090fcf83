package rule

// The event-driven form's epoch schedule and range, exported for engines
// that run rule.Events' arithmetic in other layouts (core/lanes runs it
// for several trials in lockstep and must end its epochs on the same bins).
const (
	// EventTol bounds a lazy weight's rounding error relative to the RMS
	// weight: an epoch ends before it could be exceeded (see Events).
	EventTol = eventTol
	// MaxEventEpoch is the longest epoch, in bins.
	MaxEventEpoch = maxEventEpoch
	// EventSumsRefresh is how many epochs pass between recomputations of
	// the running sums from scratch.
	EventSumsRefresh = sumsRefresh
)
