package train

import (
	"flag"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/vocab"
)

// The classifier's recipe: the defaults a user did not set are decided from
// what the training split looks like (how many texts, how long, how many
// token types, how many classes, how balanced), never from a data set's
// name. Many long texts (20,000 reviews of median 178 tokens, say) keep
// DefaultConfig's and DefaultModel's values, on which the classifier's
// benchmark results were measured (BENCHMARKS.md); a small data set gets
// more regularisation, short texts a shorter max-len, a skewed one class
// weights. Every choice is recorded with its reason in config.json
// (Config.Recipe) and printed.

const (
	// smallData: fewer training tokens than this make a data set small.
	smallData = 250_000
	// lenMargin: max-len covers the 95th percentile length with this margin.
	lenMargin = 1.5
	// ensembleData: this many training tokens or more train two models
	// (-members): the gain was measured on 4.8 million (BENCHMARKS.md),
	// and an ensemble doubles the training time.
	ensembleData = 1_000_000
)

// Recipe is what the classifier's defaults were decided from, and the
// decisions: it is config.json's train.recipe.
type Recipe struct {
	Data    Shape    `json:"data"`    // the training split, measured
	Choices []Choice `json:"choices"` // one per setting, in order
}

// Shape is what the recipe reads from the training split (never the
// validation or test split). Lengths are in tokens, before truncation.
type Shape struct {
	Examples int     `json:"examples"`
	Tokens   int     `json:"tokens"` // all texts together
	Median   int     `json:"median_len"`
	P90      int     `json:"p90_len"`
	P95      int     `json:"p95_len"`
	Max      int     `json:"max_len"`
	Types    int     `json:"types"`    // distinct tokens
	Once     int     `json:"once"`     // token types seen once
	Classes  int     `json:"classes"`  // labels
	Minority float64 `json:"minority"` // the rarest class's share of the examples
}

// Choice is one setting: its value, and why (Flag when the user gave it).
type Choice struct {
	Setting string `json:"setting"` // the flag's name
	Value   any    `json:"value"`
	Reason  string `json:"reason"`
}

// Flag is the reason of a setting given as a flag; Given, of one a caller
// set in Config to other than its default.
const (
	Flag  = "flag"
	Given = "given"
)

// measure reads the shape of the training texts counted in x, whose
// examples carry labels (class ids) of classes classes.
func measure(x *vocab.Indexed, labels []int, classes int) Shape {
	lengths := x.Lengths()
	s := Shape{Examples: len(lengths), Types: x.Len(), Classes: classes}
	for _, n := range lengths {
		s.Tokens += n
	}
	slices.Sort(lengths)
	s.Median, s.P90, s.P95 = quantile(lengths, 0.5), quantile(lengths, 0.9), quantile(lengths, 0.95)
	s.Max = quantile(lengths, 1)
	for _, t := range x.Ordered() {
		if t.Count == 1 {
			s.Once++
		}
	}
	per := make([]int, max(classes, 1))
	for _, l := range labels {
		if l >= 0 && l < len(per) {
			per[l]++
		}
	}
	s.Minority = float64(slices.Min(per)) / float64(max(len(labels), 1))
	return s
}

// quantile is the q-quantile of sorted (nearest rank); 0 for none.
func quantile(sorted []int, q float64) int {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func (s Shape) small() bool { return s.Tokens < smallData }

// givenFlags returns the names of the flags set on fs's command line
// (none for a nil fs): the recipe leaves those settings as they are.
func givenFlags(fs *flag.FlagSet) map[string]bool {
	given := map[string]bool{}
	if fs != nil {
		fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	}
	return given
}

// adapt decides cfg's and model's classifier settings that were neither
// given as flags (given) nor set to other than their defaults, from s. It
// returns the settings with cfg.Recipe recording every choice.
func adapt(cfg Config, model lstm.Config, s Shape, given map[string]bool) (Config, lstm.Config) {
	def, defModel := DefaultConfig("classify"), DefaultModel("classify")
	r := &recipe{given: given, rec: &Recipe{Data: s}}
	r.maxLen(&cfg.MaxLen, def.MaxLen, s)
	choose(r, "min-freq", &cfg.MinFreq, def.MinFreq, def.MinFreq,
		fmt.Sprintf("%s of %s token types are seen once", commas(s.Once), commas(s.Types)))
	set, m, why := def, defModel, fmt.Sprintf("%s training tokens: the default", commas(s.Tokens))
	if s.small() {
		set, m = smallSettings(def, defModel)
		why = fmt.Sprintf("%s training tokens, under %s: more regularisation", commas(s.Tokens), commas(smallData))
	}
	choose(r, "dropout", &model.Dropout, defModel.Dropout, m.Dropout, why)
	choose(r, "embed-dropout", &model.EmbedDropout, defModel.EmbedDropout, m.EmbedDropout, why)
	choose(r, "word-dropout", &cfg.WordDropout, def.WordDropout, set.WordDropout, why)
	choose(r, "weight-decay", &cfg.WeightDecay, def.WeightDecay, set.WeightDecay, why)
	choose(r, "epochs", &cfg.Epochs, def.Epochs, set.Epochs, why)
	choose(r, "patience", &cfg.Patience, def.Patience, set.Patience, why)
	choose(r, "anneal", &cfg.Anneal, def.Anneal, set.Anneal, why)
	sel, selWhy := def.Select, fmt.Sprintf("%d classes: the default", s.Classes)
	if s.Classes > 2 {
		sel, selWhy = "f1", fmt.Sprintf("%d classes: macro F1 counts the rare ones, which accuracy hides", s.Classes)
	}
	choose(r, "select", &cfg.Select, def.Select, sel, selWhy)
	weights, why := def.ClassWeights, fmt.Sprintf("the rarest class holds %.0f%% of the examples", 100*s.Minority)
	if even := 1 / float64(max(s.Classes, 1)); s.Minority < even/2 {
		weights = skewedWeights
		why += fmt.Sprintf(", under half of an even %.0f%%", 100*even)
	}
	choose(r, "class-weights", &cfg.ClassWeights, def.ClassWeights, weights, why)
	members, why := 2, fmt.Sprintf("%s training tokens: two models (seeds %d and %d) whose class probabilities are averaged: a point or more of test accuracy over one model where measured (BENCHMARKS.md), for twice the training time", commas(s.Tokens), cfg.Seed, cfg.Seed+1)
	if s.Tokens < ensembleData {
		members, why = 1, fmt.Sprintf("%s training tokens, under %s: one model", commas(s.Tokens), commas(ensembleData))
	}
	if cfg.Members == 0 {
		delete(r.given, "members") // -members 0 asks the recipe
	}
	choose(r, "members", &cfg.Members, def.Members, members, why)
	cfg.Recipe = r.rec
	return cfg, model
}

// skewedWeights is -class-weights when the rarest class has under half
// of an even share.
const skewedWeights = "sqrt"

// smallSettings are the settings for small data sets: more dropout
// (embedding dropout instead of word dropout), weight decay, and (epochs
// being cheap) more epochs with a patience that lets the learning rate
// anneal before early stopping.
func smallSettings(def Config, m lstm.Config) (Config, lstm.Config) {
	def.WeightDecay, def.WordDropout, def.Epochs, def.Patience, def.Anneal = 1e-5, 0, 20, 5, 2
	m.Dropout, m.EmbedDropout = 0.5, 0.2
	return def, m
}

// commas writes n with thousands separators: 126,814.
func commas(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + commas(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// maxLen chooses max-len from the length distribution: the 95th
// percentile with a margin, rounded up to a power of two, at most the
// default.
func (r *recipe) maxLen(p *int, def int, s Shape) {
	v := def
	why := fmt.Sprintf("95th percentile of %s training texts is %s tokens: the default", commas(s.Examples), commas(s.P95))
	if n := pow2(int(math.Ceil(lenMargin * float64(s.P95)))); n < def {
		v = max(n, 8)
		why = fmt.Sprintf("95th percentile of %s training texts is %s tokens (longest %s)", commas(s.Examples), commas(s.P95), commas(s.Max))
	}
	choose(r, "max-len", p, def, v, why)
}

// pow2 is the least power of two at least n (1 for n < 1).
func pow2(n int) int {
	p := 1
	for p < n && p < math.MaxInt/2 {
		p *= 2
	}
	return p
}

// recipe collects choices.
type recipe struct {
	given map[string]bool
	rec   *Recipe
}

// choose sets *p to v for the reason why, unless the setting was given as a
// flag or set to other than its default def; either way it is recorded.
func choose[T comparable](r *recipe, name string, p *T, def, v T, why string) {
	switch {
	case r.given[name]:
		why = Flag
	case *p != def:
		why = Given
	default:
		*p = v
	}
	r.rec.Choices = append(r.rec.Choices, Choice{Setting: name, Value: *p, Reason: why})
}

// print writes one line per choice.
func (r *Recipe) print(out io.Writer) {
	for _, c := range r.Choices {
		fmt.Fprintf(out, "recipe: %-13s %-8v %s\n", c.Setting, c.Value, c.Reason)
	}
}
