package rundir

// Files of a translator's (-task seq2seq) run folder, beside the common
// ones: vocab.txt is the source vocabulary.
const (
	TargetVocabFile = "vocab-target.txt"      // the target vocabulary (with <bos> and <eos>)
	TranslationFile = "test-translations.txt" // the test split translated by the best model, one line each
)
