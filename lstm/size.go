package lstm

import (
	"fmt"
	"math"
	"math/bits"
)

// ConfigError is a Config field out of range. Field is the field's JSON
// name (embed, hidden, char_embed ...), for callers that name their own
// settings; Err says what is wrong in the library's words.
type ConfigError struct {
	Field string
	Err   error
}

func (e *ConfigError) Error() string { return e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

func fieldErr(field, format string, args ...any) error {
	return &ConfigError{Field: field, Err: fmt.Errorf(format, args...)}
}

// Head is the output part of a model, for NumParams.
type Head int

const (
	ClassifierHead Head = iota // fc1 and fc2 (NewClassifier)
	LMHead                     // the decoder over the vocabulary (NewLM)
	TaggerHead                 // the output layer per token, and the CRF (NewTagger)
	Seq2SeqHead                // the decoder, attention and output layer (NewSeq2Seq)
)

// NumParams returns the number of parameters (float32 numbers) of the
// model c describes with the given head, computed without allocating
// anything. A count beyond int64 is a *ConfigError naming the field that
// makes it overflow.
func (c Config) NumParams(head Head) (int64, error) {
	spec, err := c.Cell.spec()
	if err != nil {
		return 0, err
	}
	if head == Seq2SeqHead {
		return c.seq2seqParams(spec)
	}
	var n sizeSum
	D, H, E, V := c.directions(), int64(c.Hidden), int64(c.Embed), int64(c.Vocab)
	n.add(term{"embed", E}, term{"vocab", V}) // embedding [V, E]
	input := E
	if c.Chars > 0 {
		CE, CH := int64(c.CharEmbed), int64(c.CharHidden)
		n.add(term{"char_embed", CE}, term{"chars", int64(c.Chars)})
		n.add(term{"", 2 * 4}, term{"char_hidden", CH}, term{"char_embed", CE})  // weight_ih, both directions
		n.add(term{"", 2 * 4}, term{"char_hidden", CH}, term{"char_hidden", CH}) // weight_hh
		n.add(term{"", 2 * 4 * 2}, term{"char_hidden", CH})                      // biases
		input = n.plus(input, term{"", 2}, term{"char_hidden", CH})
	}
	for l := range int64(min(c.Layers, 2)) { // layer 0, and the rest alike
		if l == 1 {
			input = n.plus(0, term{"", D}, term{"hidden", H})
		}
		layers := int64(1)
		if l == 1 {
			layers = int64(c.Layers) - 1
		}
		for _, in := range []int64{input, H, 2} { // weight_ih, weight_hh, biases
			n.add(term{"layers", layers}, term{"", D * spec.gates}, term{"hidden", H}, term{"", in})
		}
	}
	switch head {
	case ClassifierHead:
		out := int64(c.Classes)
		if out == 2 {
			out = 1 // one logit
		}
		n.add(term{"", D}, term{"hidden", H}, term{"head", int64(c.Head)})
		n.add(term{"head", int64(c.Head)}, term{"classes", out})
		n.add(term{"head", int64(c.Head)}, term{"", 1}) // fc1's bias
		n.add(term{"classes", out})                     // fc2's
		if k := c.Pooling.kind(); k != nil && k.count != nil {
			k.count(&n, D, H) // the pooling's own parameters
		}
	case LMHead:
		if !c.Tie {
			n.add(term{"hidden", H}, term{"vocab", V})
		}
		n.add(term{"vocab", V})
	case TaggerHead:
		n.add(term{"", D}, term{"hidden", H}, term{"classes", int64(c.Classes)})
		n.add(term{"classes", int64(c.Classes)})
		n.add(term{"classes", int64(c.Classes) + 2}, term{"classes", int64(c.Classes)})
	}
	return n.total, n.err
}

// term is a factor of a size and the Config field it comes from ("" for
// a constant).
type term struct {
	field string
	v     int64
}

// sizeSum adds products of non-negative terms, stopping at the first
// product or sum beyond int64.
type sizeSum struct {
	total int64
	err   error
}

func (s *sizeSum) add(terms ...term) { s.total = s.plus(s.total, terms...) }

// plus returns base + the product of terms, or base after recording an
// overflow that blames the largest term's field.
func (s *sizeSum) plus(base int64, terms ...term) int64 {
	if s.err != nil {
		return base
	}
	var blame term
	for _, t := range terms {
		if t.field != "" && (blame.field == "" || t.v > blame.v) {
			blame = t
		}
	}
	p := uint64(1)
	for _, t := range terms {
		hi, lo := bits.Mul64(p, uint64(max(t.v, 0)))
		if hi != 0 || lo > math.MaxInt64 {
			s.err = fieldErr(blame.field, "lstm: %s %d: the model's size overflows int64", blame.field, blame.v)
			return base
		}
		p = lo
	}
	if p > uint64(math.MaxInt64-base) {
		s.err = fieldErr(blame.field, "lstm: %s %d: the model's size overflows int64", blame.field, blame.v)
		return base
	}
	return base + int64(p)
}

// seq2seqParams counts NewSeq2Seq's parameters: embeddings, the
// bidirectional encoder of Hidden/2 per direction, bridge(s), decoder,
// attention, combine and output layers.
func (c Config) seq2seqParams(spec *cellSpec) (int64, error) {
	var n sizeSum
	H, E, L, G := int64(c.Hidden), int64(c.Embed), int64(c.Layers), spec.gates
	Hd, TV := H/2, int64(c.TargetVocab)
	n.add(term{"embed", E}, term{"vocab", int64(c.Vocab)})
	n.add(term{"embed", E}, term{"target_vocab", TV})
	rnn := func(in, hidden, dirs int64, layers int64) { // weights and biases of a stack
		n.add(term{"", dirs * G}, term{"hidden", hidden}, term{"", in + hidden + 2})
		n.add(term{"layers", layers - 1}, term{"", dirs * G}, term{"hidden", hidden}, term{"", dirs*hidden + hidden + 2})
	}
	rnn(E, Hd, 2, L)
	bridges := int64(1)
	if spec.hasC {
		bridges = 2
	}
	n.add(term{"", bridges}, term{"hidden", H}, term{"", H + 1})
	in := E
	if c.InputFeed {
		in += H
	}
	rnn(in, H, 1, L)
	switch c.Attention {
	case "", Additive:
		n.add(term{"", 2}, term{"hidden", H}, term{"", H + 1})
		n.add(term{"hidden", H})
	case General:
		n.add(term{"hidden", H}, term{"", H + 1})
	}
	n.add(term{"hidden", H}, term{"", 2*H + 1}) // combine
	if !c.Tie {
		n.add(term{"hidden", H}, term{"target_vocab", TV})
	}
	n.add(term{"target_vocab", TV})
	return n.total, n.err
}
