// Package infer uses the model of a finished run folder (package rundir):
// LoadPredictor classifies texts with a classifier run (NewEnsemble with
// several, averaging their probabilities), LoadGenerator samples text from
// a language-model run. Each needs only the folder: its config.json
// rebuilds the model, vocab.txt the vocabulary, model.pt the weights.
//
// A Predictor or Generator keeps its model's weights on its device for the
// life of the process; it is not safe for concurrent use. Like all of
// torchrnn's libtorch work, call it from one goroutine locked to its OS
// thread (runtime.LockOSThread), as cmd/predict and cmd/generate do.
//
// Results are Go values (labels, probabilities, token ids, text): there is
// nothing to free. A Predictor, Tagger or Generator owns its model's tensors
// until the process ends. LoadTagger does for a tagging run what
// LoadPredictor does for a classifier, LoadTranslator for a seq2seq run
// (it also reads vocab-target.txt; Translator.Translate decodes greedily or
// with beam search, in the trainer's batches).
package infer
