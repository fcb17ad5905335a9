package infer

import (
	"fmt"

	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/seq"
)

// Explanation is a prediction with how much each token counted in it: the
// tokens the model read (the tokenizer's, before the vocabulary maps
// unknown ones to <unk>; only the ones -max-len keeps) and the attention
// pooling's weight of each, summing to 1.
type Explanation struct {
	Prediction
	Tokens  []string
	Weights []float64
}

// Explain classifies texts as Predict does and weighs their tokens. Only a
// model trained with attention pooling (-pooling attention) weighs tokens;
// any other is an error.
func (p *Predictor) Explain(texts []string) ([]Explanation, error) {
	if p.Model.Config.Pooling != lstm.AttentionPooling {
		return nil, fmt.Errorf("infer: explain: the model pools with %q; only attention pooling weighs tokens (train with -pooling attention)", p.Model.Config.Pooling)
	}
	preds, rows, err := p.predict(texts, true)
	if err != nil {
		return nil, err
	}
	out := make([]Explanation, len(texts))
	for i, text := range texts {
		tokens := p.kept(p.tok(text))
		w := make([]float64, len(tokens))
		for j := range w {
			w[j] = float64(rows[i][j])
		}
		out[i] = Explanation{Prediction: preds[i], Tokens: tokens, Weights: w}
	}
	return out, nil
}

// kept is the part of tokens that padding keeps (the first or last
// MaxLen).
func (p *Predictor) kept(tokens []string) []string {
	n := p.pad.MaxLen
	if n <= 0 || len(tokens) <= n {
		return tokens
	}
	if p.pad.Truncate == seq.KeepTail {
		return tokens[len(tokens)-n:]
	}
	return tokens[:n]
}
