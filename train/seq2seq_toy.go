package train

import (
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/torchrnn/torchrnn/bitext"
)

// toyTask makes a seeded toy translation task over the 20 symbols a...t:
// "reverse" turns "c a t" into "t a c", "sort" into "a c t". Sequences of
// 3 to 10 symbols; 10,000 training, 500 validation and 500 test pairs.
func toyTask(kind string, seed int64) *bitext.Splits {
	r := rand.New(rand.NewPCG(uint64(seed), 0x70f))
	make1 := func(n int) []bitext.Pair {
		out := make([]bitext.Pair, n)
		for i := range out {
			s := make([]string, 3+r.IntN(8))
			for j := range s {
				s[j] = string(rune('a' + r.IntN(20)))
			}
			t := slices.Clone(s)
			if kind == "sort" {
				slices.Sort(t)
			} else {
				slices.Reverse(t)
			}
			out[i] = bitext.Pair{Src: strings.Join(s, " "), Tgt: strings.Join(t, " ")}
		}
		return out
	}
	return &bitext.Splits{Train: make1(10000), Valid: make1(500), Test: make1(500)}
}

func validToy(data string) bool { return data == "toy:reverse" || data == "toy:sort" }
