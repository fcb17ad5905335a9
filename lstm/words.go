package lstm

// Words is a batch's character input for a Tagger: each distinct word of
// the batch spelled once as character ids, and where each position's word
// is. Sentences "a b" and "b" (T = 2):
//
//	Chars [N=2, L]   Index [B*T]
//	a · ·            0 1    row 0: a b
//	b · ·            1 2    row 1: b, then padding -> N (a zero row)
type Words struct {
	Chars   []int64 // [N, L] row-major, padded with 0
	Lengths []int64 // [N], each at least 1
	N, L    int
	Index   []int64 // [B*T]: the row of each position's word; N at padding
}

// MaxWordChars is how many characters of a word the character features
// read: longer words keep their first and last MaxWordChars/2.
const MaxWordChars = 20

// SpellWords builds the Words of a batch of B tokenised sentences padded to
// T: spell gives a word's character ids (0 is padding; an empty spelling
// becomes one 0).
func SpellWords(sents [][]string, T int, spell func(string) []int64) *Words {
	w := &Words{Index: make([]int64, len(sents)*T)}
	row := map[string]int64{}
	var spelled [][]int64
	for b, sent := range sents {
		for t := 0; t < T; t++ {
			if t >= len(sent) {
				w.Index[b*T+t] = -1
				continue
			}
			r, ok := row[sent[t]]
			if !ok {
				r = int64(len(spelled))
				row[sent[t]] = r
				ids := spell(sent[t])
				if len(ids) > MaxWordChars {
					h := MaxWordChars / 2
					ids = append(append([]int64{}, ids[:h]...), ids[len(ids)-h:]...)
				}
				if len(ids) == 0 {
					ids = []int64{0}
				}
				spelled = append(spelled, ids)
				w.L = max(w.L, len(ids))
			}
			w.Index[b*T+t] = r
		}
	}
	w.N = len(spelled)
	for i, x := range w.Index {
		if x < 0 {
			w.Index[i] = int64(w.N)
		}
	}
	w.Chars = make([]int64, w.N*w.L)
	w.Lengths = make([]int64, w.N)
	for i, ids := range spelled {
		copy(w.Chars[i*w.L:], ids)
		w.Lengths[i] = int64(len(ids))
	}
	return w
}
