package train

import "github.com/torchrnn/torchrnn/conll"

// tagScore is an evaluation's conlleval-style scores, tags by name.
type tagScore struct {
	names []string
	chunk conll.Score
}

func newTagScore(names []string) *tagScore { return &tagScore{names: names} }

// add scores sentences of gold and guessed tag ids.
func (s *tagScore) add(gold, guess [][]int64) error {
	for i := range gold {
		if err := s.chunk.Add(s.strings(gold[i]), s.strings(guess[i])); err != nil {
			return err
		}
	}
	return nil
}

func (s *tagScore) strings(ids []int64) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = s.names[id]
	}
	return out
}
