// Package bleu scores translations against references with corpus BLEU
// (Papineni et al. 2002) as sacreBLEU computes it on text that is already
// tokenised (sacrebleu --tokenize none, its default "exp" smoothing):
//
//	p_n = Σ clipped matching n-grams / Σ hypothesis n-grams, n = 1..4, over the corpus
//	BP  = 1 if c ≥ r, else exp(1 - r/c)   (c, r: hypothesis and reference token totals)
//	BLEU = 100 · BP · exp(¼ Σ log p_n)
//
// A precision whose matches are 0 counts as 1/(2^k · total) for the k-th
// such n (sacreBLEU's "exp" smoothing; it only matters on tiny corpora).
// One reference per sentence. Everything here is plain Go: safe for
// concurrent use.
package bleu

import (
	"fmt"
	"math"
	"strings"
)

// MaxOrder is the longest n-gram counted.
const MaxOrder = 4

// Stats are the sufficient statistics of corpus BLEU; they add up over
// sentences.
type Stats struct {
	HypLen, RefLen int
	Matches        [MaxOrder]int // clipped n-gram matches, n = 1..4
	Totals         [MaxOrder]int // hypothesis n-grams, n = 1..4
}

// Add adds one sentence's statistics: hyp and ref are token lists.
func (s *Stats) Add(hyp, ref []string) {
	s.HypLen += len(hyp)
	s.RefLen += len(ref)
	for n := 1; n <= MaxOrder; n++ {
		refCounts := ngrams(ref, n)
		for g, c := range ngrams(hyp, n) {
			s.Matches[n-1] += min(c, refCounts[g])
			s.Totals[n-1] += c
		}
	}
}

// ngrams counts the n-grams of toks, joined by a byte no token holds.
func ngrams(toks []string, n int) map[string]int {
	m := make(map[string]int, max(len(toks)-n+1, 0))
	for i := 0; i+n <= len(toks); i++ {
		m[strings.Join(toks[i:i+n], "\x00")]++
	}
	return m
}

// Score is a corpus BLEU with its parts.
type Score struct {
	BLEU       float64           // 0..100
	Precisions [MaxOrder]float64 // 0..100
	BP         float64           // brevity penalty
	Ratio      float64           // hypothesis length / reference length
	HypLen     int
	RefLen     int
}

// String formats s as sacreBLEU does.
func (s Score) String() string {
	return fmt.Sprintf("BLEU = %.2f %.1f/%.1f/%.1f/%.1f (BP = %.3f ratio = %.3f hyp_len = %d ref_len = %d)",
		s.BLEU, s.Precisions[0], s.Precisions[1], s.Precisions[2], s.Precisions[3], s.BP, s.Ratio, s.HypLen, s.RefLen)
}

// Score computes corpus BLEU from the statistics.
func (s Stats) Score() Score {
	sc := Score{HypLen: s.HypLen, RefLen: s.RefLen}
	if s.RefLen > 0 {
		sc.Ratio = float64(s.HypLen) / float64(s.RefLen)
	}
	smooth := 1.0
	logSum := 0.0
	for n := range MaxOrder {
		switch {
		case s.Totals[n] == 0:
			sc.Precisions[n] = 0
		case s.Matches[n] == 0:
			smooth *= 2
			sc.Precisions[n] = 100 / (smooth * float64(s.Totals[n]))
		default:
			sc.Precisions[n] = 100 * float64(s.Matches[n]) / float64(s.Totals[n])
		}
		if sc.Precisions[n] == 0 {
			logSum = math.Inf(-1)
		} else {
			logSum += math.Log(sc.Precisions[n])
		}
	}
	switch {
	case s.HypLen == 0:
		sc.BP = 0
	case s.HypLen < s.RefLen:
		sc.BP = math.Exp(1 - float64(s.RefLen)/float64(s.HypLen))
	default:
		sc.BP = 1
	}
	if !math.IsInf(logSum, -1) && sc.BP > 0 {
		sc.BLEU = sc.BP * math.Exp(logSum/MaxOrder)
	}
	return sc
}

// Corpus is the BLEU of hyps against refs (one reference each), both as
// token lists. It is an error when the counts differ.
func Corpus(hyps, refs [][]string) (Score, error) {
	if len(hyps) != len(refs) {
		return Score{}, fmt.Errorf("bleu: %d hypotheses for %d references", len(hyps), len(refs))
	}
	var s Stats
	for i := range hyps {
		s.Add(hyps[i], refs[i])
	}
	return s.Score(), nil
}

// CorpusText is Corpus of texts split at white space.
func CorpusText(hyps, refs []string) (Score, error) {
	split := func(xs []string) [][]string {
		out := make([][]string, len(xs))
		for i, x := range xs {
			out[i] = strings.Fields(x)
		}
		return out
	}
	return Corpus(split(hyps), split(refs))
}
