package train

import (
	"flag"
	"fmt"
	"io"

	"github.com/torchrnn/torchrnn/lstm"
)

// sampledSettings let a word-level language model train its decoder on a
// sample of the vocabulary (lstm.SampledSoftmax): over 45,000 IMDB words
// the whole decoder trains about 1,100 tokens/s on one thread, where its
// recurrent layer alone would allow tens of thousands (BENCHMARKS.md,
// "Pretraining"). Validation and test losses stay exact.
type sampledSettings struct {
	SoftmaxSamples int `json:"softmax_samples,omitempty"` // lm: negatives drawn per training window; 0: the whole vocabulary
}

func (c *sampledSettings) registerSampledFlags(fs *flag.FlagSet) {
	fs.IntVar(&c.SoftmaxSamples, "softmax-samples", c.SoftmaxSamples, "lm: train the decoder on this many words drawn per window (a sampled softmax, log-uniform over the frequency-sorted vocabulary) instead of the whole vocabulary; validation stays exact; 0: the whole vocabulary")
}

func (c sampledSettings) validateSampled(task string) error {
	switch {
	case c.SoftmaxSamples < 0:
		return fmt.Errorf("-softmax-samples %d: must not be negative", c.SoftmaxSamples)
	case c.SoftmaxSamples > 0 && task != "lm":
		return fmt.Errorf("-softmax-samples %d: only -task lm has a softmax over the vocabulary to sample", c.SoftmaxSamples)
	}
	return nil
}

// newSampled returns the sampled softmax over a vocabulary of V ids that
// cfg asks for, or nil for the whole vocabulary.
func newSampled(cfg Config, V int, out io.Writer) (*lstm.SampledSoftmax, error) {
	if cfg.SoftmaxSamples == 0 {
		return nil, nil
	}
	s, err := lstm.NewSampledSoftmax(V, cfg.SoftmaxSamples)
	if err != nil {
		return nil, UsageError{fmt.Errorf("-softmax-samples %d: the vocabulary has %d ids: want fewer samples, or 0 for the whole vocabulary", cfg.SoftmaxSamples, V)}
	}
	fmt.Fprintf(out, "softmax: training scores each token against %d sampled words of %d (validation: all)\n", s.S, V)
	return s, nil
}
