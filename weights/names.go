package weights

import (
	"fmt"
	"strings"
)

// Rename maps names by prefix: a name starting with From has it replaced
// with To ("lstm." -> "rnn.", "module." -> "").
type Rename struct{ From, To string }

// CommonRenames are the renames Load tries when Options.Renames is nil:
// the prefixes of data-parallel wrappers and checkpoints, and the module
// names PyTorch code often gives what torchrnn calls embedding, encoder,
// rnn and decoder. A rename applies only to a name the model lacks and
// only when it gives a name the model has, so "embedding." -> "encoder."
// renames nothing in a classifier, whose embedding is "embedding.".
var CommonRenames = []Rename{
	{"module.", ""}, // nn.DataParallel, DistributedDataParallel
	{"model.", ""},
	{"state_dict.", ""},
	{"model_state_dict.", ""},
	{"lstm.", "rnn."},
	{"gru.", "rnn."},
	{"encoder_rnn.", "rnn."},
	{"embed.", "embedding."},
	{"embeddings.", "embedding."},
	{"word_embeddings.", "embedding."},
	{"emb.", "embedding."},
	{"embedding.", "encoder."}, // language model
	{"embed.", "encoder."},
	{"emb.", "encoder."},
	{"fc.", "decoder."},
	{"linear.", "decoder."},
	{"out.", "decoder."},
	{"output.", "decoder."},
	{"head.", "decoder."},
}

// ParseRenames reads renames written FROM=TO, separated by commas:
// "lstm.=rnn.,module.=" (TO may be empty).
func ParseRenames(s string) ([]Rename, error) {
	var out []Rename
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		from, to, ok := strings.Cut(part, "=")
		if !ok || from == "" {
			return nil, fmt.Errorf("weights: rename %q: want FROM=TO, FROM not empty", part)
		}
		out = append(out, Rename{From: from, To: to})
	}
	return out, nil
}

// candidates lists the names key may stand for, in order of preference:
// key itself, then each rename of it, then each rename of those (a
// checkpoint prefix stripped, then a module renamed).
func candidates(key string, renames []Rename) []string {
	out := []string{key}
	for depth, start := 0, 0; depth < 2; depth++ {
		end := len(out)
		for _, name := range out[start:end] {
			for _, r := range renames {
				if rest, ok := strings.CutPrefix(name, r.From); ok {
					out = append(out, r.To+rest)
				}
			}
		}
		start = end
	}
	return out
}
