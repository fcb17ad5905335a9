package conll

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// Chunk is a span of tokens [Start, End) of one type, as conlleval finds it.
type Chunk struct {
	Start, End int
	Type       string
}

// parts splits a tag as conlleval does: "B-NP" -> ("B", "NP"); "O" -> ("O",
// ""); a tag without a hyphen is all prefix.
func parts(tag string) (prefix, typ string) {
	if i := strings.IndexByte(tag, '-'); i >= 0 {
		return tag[:i], tag[i+1:]
	}
	return tag, ""
}

// chunkEnds says whether a chunk ends between prev and cur, with conlleval's
// rules (IOB1, IOB2 and IOE), plus S- (single) and E- as IOBES reads them.
func chunkEnds(prev, cur, prevType, curType string) bool {
	switch {
	case prev == "E" || prev == "S":
		return true
	case (prev == "B" || prev == "I") && (cur == "B" || cur == "S" || cur == "O"):
		return true
	}
	return prev != "O" && prev != "." && prevType != curType
}

// chunkStarts says whether a chunk starts at cur after prev: B- and S-
// always; I- or E- after O, E- or S- (a stray I- opens a chunk); any tag but
// O when the type changes.
func chunkStarts(prev, cur, prevType, curType string) bool {
	switch {
	case cur == "B" || cur == "S":
		return true
	case (cur == "I" || cur == "E") && (prev == "O" || prev == "E" || prev == "S"):
		return true
	}
	return cur != "O" && cur != "." && prevType != curType
}

// Chunks finds the chunks of one sentence's tags in IOB1, IOB2 (BIO), IOE
// or IOBES, as the conlleval script does: the sentence is framed by O on
// both sides.
func Chunks(tags []string) []Chunk {
	var out []Chunk
	prev, prevType := "O", ""
	start := -1
	for i := 0; i <= len(tags); i++ {
		cur, curType := "O", ""
		if i < len(tags) {
			cur, curType = parts(tags[i])
		}
		if start >= 0 && chunkEnds(prev, cur, prevType, curType) {
			out = append(out, Chunk{start, i, prevType})
			start = -1
		}
		if i < len(tags) && chunkStarts(prev, cur, prevType, curType) {
			start = i
		}
		prev, prevType = cur, curType
	}
	return out
}

// Counts are conlleval's totals for one chunk type or all.
type Counts struct {
	Gold, Guessed, Correct int // chunks
}

// Precision, Recall and F1 are in 0..1 (0 when undefined).
func (c Counts) Precision() float64 { return ratio(c.Correct, c.Guessed) }
func (c Counts) Recall() float64    { return ratio(c.Correct, c.Gold) }
func (c Counts) F1() float64 {
	p, r := c.Precision(), c.Recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Score accumulates conlleval's token accuracy and chunk counts over
// sentences.
type Score struct {
	Tokens, CorrectTokens int
	All                   Counts
	ByType                map[string]*Counts // chunk counts per chunk type
	ByTag                 map[string]*Counts // token counts per tag: Gold, Guessed, Correct tokens
}

// Add scores one sentence: gold and guessed tags of equal length. A guessed
// chunk is correct when a gold chunk has the same start, end and type.
func (s *Score) Add(gold, guess []string) error {
	if len(gold) != len(guess) {
		return fmt.Errorf("conll: score: %d gold tags and %d guessed", len(gold), len(guess))
	}
	if s.ByType == nil {
		s.ByType, s.ByTag = map[string]*Counts{}, map[string]*Counts{}
	}
	for i := range gold {
		s.Tokens++
		tag(s.ByTag, gold[i]).Gold++
		tag(s.ByTag, guess[i]).Guessed++
		if gold[i] == guess[i] {
			s.CorrectTokens++
			tag(s.ByTag, gold[i]).Correct++
		}
	}
	g, p := Chunks(gold), Chunks(guess)
	set := make(map[Chunk]bool, len(g))
	for _, c := range g {
		set[c] = true
		s.count(c.Type).Gold++
	}
	for _, c := range p {
		s.count(c.Type).Guessed++
		if set[c] {
			s.count(c.Type).Correct++
		}
	}
	s.All.Gold += len(g)
	s.All.Guessed += len(p)
	for _, c := range p {
		if set[c] {
			s.All.Correct++
		}
	}
	return nil
}

func (s *Score) count(typ string) *Counts { return tag(s.ByType, typ) }

func tag(m map[string]*Counts, key string) *Counts {
	c := m[key]
	if c == nil {
		c = &Counts{}
		m[key] = c
	}
	return c
}

// TagTable writes per-tag token scores, most frequent gold tag first:
// tag, gold count, accuracy (recall), precision and F1, in percent.
func (s *Score) TagTable(w io.Writer) {
	tags := make([]string, 0, len(s.ByTag))
	for t := range s.ByTag {
		tags = append(tags, t)
	}
	sort.Slice(tags, func(i, j int) bool {
		a, b := s.ByTag[tags[i]], s.ByTag[tags[j]]
		if a.Gold != b.Gold {
			return a.Gold > b.Gold
		}
		return tags[i] < tags[j]
	})
	fmt.Fprintf(w, "| tag | tokens | accuracy | precision | F1 |\n|---|---:|---:|---:|---:|\n")
	for _, t := range tags {
		c := s.ByTag[t]
		fmt.Fprintf(w, "| %s | %d | %.2f%% | %.2f%% | %.2f |\n", t, c.Gold, 100*c.Recall(), 100*c.Precision(), 100*c.F1())
	}
	fmt.Fprintf(w, "| all | %d | %.2f%% | | |\n", s.Tokens, 100*s.Accuracy())
}

// Accuracy is the share of tokens tagged right, 0..1.
func (s *Score) Accuracy() float64 { return ratio(s.CorrectTokens, s.Tokens) }

// Report writes conlleval's summary: token accuracy, then precision, recall
// and F1 for all chunks and for each type, in percent.
func (s *Score) Report(w io.Writer) {
	fmt.Fprintf(w, "processed %d tokens with %d phrases; found: %d phrases; correct: %d.\n",
		s.Tokens, s.All.Gold, s.All.Guessed, s.All.Correct)
	fmt.Fprintf(w, "accuracy: %6.2f%%; precision: %6.2f%%; recall: %6.2f%%; FB1: %6.2f\n",
		100*s.Accuracy(), 100*s.All.Precision(), 100*s.All.Recall(), 100*s.All.F1())
	types := make([]string, 0, len(s.ByType))
	for t := range s.ByType {
		types = append(types, t)
	}
	sort.Strings(types)
	for _, t := range types {
		c := s.ByType[t]
		fmt.Fprintf(w, "%17s: precision: %6.2f%%; recall: %6.2f%%; FB1: %6.2f  %d\n",
			t, 100*c.Precision(), 100*c.Recall(), 100*c.F1(), c.Guessed)
	}
}

// IsChunkScheme says whether tags look like chunk tags (B-, I-, E-, S-
// prefixes and O) rather than POS tags, so that chunk F1 means something.
func IsChunkScheme(tags []string) bool {
	chunky := 0
	for _, t := range tags {
		p, typ := parts(t)
		switch {
		case t == "O":
		case (p == "B" || p == "I" || p == "E" || p == "S") && typ != "":
			chunky++
		default:
			return false
		}
	}
	return chunky > 0
}
