package rundir

// Files of a tagger's run folder, beside the common ones.
const (
	CharsFile      = "chars.txt" // the character vocabulary of the character features
	TestReportFile = "test.txt"  // the test split's per-tag and chunk scores
)
