package train

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/torchrnn/torchrnn/imdb"
	"github.com/torchrnn/torchrnn/rundir"
	"github.com/torchrnn/torchrnn/vocab"
)

// shapedTexts writes a TSV of n texts of words-2 to words+2 tokens, two
// classes, drawn from a vocabulary of 500 words, and returns its path.
func shapedTexts(t *testing.T, n, words int) string {
	t.Helper()
	var b strings.Builder
	for i := range n {
		k := words - 2 + i%5
		toks := make([]string, k)
		for j := range toks {
			toks[j] = fmt.Sprintf("w%d", (i*31+j*17)%500)
		}
		fmt.Fprintf(&b, "%s\t%s\n", strings.Join(toks, " "), []string{"neg", "pos"}[i%2])
	}
	path := filepath.Join(t.TempDir(), fmt.Sprintf("texts-%d.tsv", words))
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// recipeOf runs a dry run on data with the recipe and returns config.json's
// training settings.
func recipeOf(t *testing.T, data string, edit func(*Config)) Config {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "run")
	cfg, model := DefaultConfig("classify"), DefaultModel("classify")
	cfg.Data, cfg.Out, cfg.DryRun, cfg.Threads = data, dir, true, 1
	model.Embed, model.Hidden, model.Head = 8, 8, 8 // given: small and quick
	if edit != nil {
		edit(&cfg)
	}
	if err := Run(context.Background(), cfg, model, io.Discard); err != nil {
		t.Fatal(err)
	}
	_, info, err := rundir.OpenFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got Config
	if err := info.ReadTrain(&got); err != nil {
		t.Fatal(err)
	}
	if got.Recipe == nil {
		t.Fatalf("%s: config.json records no recipe", dir)
	}
	return got
}

// choices maps each recorded setting to its value (as JSON decodes it)
// and reason.
func choices(r *Recipe) map[string]Choice {
	m := map[string]Choice{}
	for _, c := range r.Choices {
		m[c.Setting] = c
	}
	return m
}

// TestRecipeFollowsTheData: 200 short texts and 200 long ones get
// different choices, each recorded in config.json with a reason.
func TestRecipeFollowsTheData(t *testing.T) {
	runtime.LockOSThread()
	short := recipeOf(t, shapedTexts(t, 200, 10), nil)
	long := recipeOf(t, shapedTexts(t, 200, 600), nil)
	s, l := choices(short.Recipe), choices(long.Recipe)
	for _, name := range []string{"max-len", "min-freq", "dropout", "embed-dropout", "word-dropout", "weight-decay", "epochs", "patience", "anneal", "select", "class-weights", "members"} {
		for _, m := range []map[string]Choice{s, l} {
			if c, ok := m[name]; !ok || c.Reason == "" || c.Reason == Flag || c.Reason == Given {
				t.Errorf("%s: recorded as %+v, want a choice with a reason", name, c)
			}
		}
	}
	if short.MaxLen != 32 || long.MaxLen != DefaultConfig("classify").MaxLen {
		t.Errorf("max-len: short texts %d, long %d; want 32 (95th percentile 12 x 1.5, rounded up to a power of 2) and the default", short.MaxLen, long.MaxLen)
	}
	if !strings.Contains(s["max-len"].Reason, "95th percentile of 128 training texts is 12 tokens") {
		t.Errorf("max-len's reason %q does not give the length measured", s["max-len"].Reason)
	}
	if d := short.Recipe.Data; d.Examples != 128 || d.Median != 10 || d.Max != 12 || d.Median >= long.Recipe.Data.Median {
		t.Errorf("shapes recorded: short %+v, long %+v", short.Recipe.Data, long.Recipe.Data)
	}
	if s["dropout"].Value.(float64) <= DefaultModel("classify").Dropout || short.Anneal <= 1 || short.Epochs <= DefaultConfig("classify").Epochs {
		t.Errorf("a small data set: dropout %v, anneal %v, epochs %d; want more regularisation and annealing", s["dropout"].Value, short.Anneal, short.Epochs)
	}
}

// TestRecipeKeepsGivenSettings: a flag given at its default value, and a
// setting a caller changed, stay as they are and are recorded as such.
func TestRecipeKeepsGivenSettings(t *testing.T) {
	runtime.LockOSThread()
	data := shapedTexts(t, 200, 10)
	got := recipeOf(t, data, func(c *Config) {
		c.Flags = flagSet(t, c, "-max-len", "400", "-anneal", "0")
		c.Epochs = 3
	})
	m := choices(got.Recipe)
	for name, want := range map[string]Choice{
		"max-len": {"max-len", 400.0, Flag}, "anneal": {"anneal", 0.0, Flag}, "epochs": {"epochs", 3.0, Given},
	} {
		if m[name] != want {
			t.Errorf("%s recorded as %+v, want %+v", name, m[name], want)
		}
	}
	if got.MaxLen != 400 || got.Anneal != 0 || got.Epochs != 3 {
		t.Errorf("max-len %d, anneal %v, epochs %d: want 400, 0, 3 as given", got.MaxLen, got.Anneal, got.Epochs)
	}
	if m["patience"].Reason == Flag || got.Patience == DefaultConfig("classify").Patience {
		t.Errorf("patience %d (%s): not given, want the recipe's", got.Patience, m["patience"].Reason)
	}
}

// flagSet parses args as cmd/train does, into c.
func flagSet(t *testing.T, c *Config, args ...string) *flag.FlagSet {
	t.Helper()
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	c.RegisterFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return fs
}

// TestRecipeKeepsDefaultsOnLongTexts: the full IMDB's training split (its
// shape as a dry run on aclImdb_v1.tar.xz measured it: 20,000 reviews of
// median 178 tokens) and the built-in sample's get exactly DefaultConfig
// and DefaultModel, on which the IMDB results were measured, but for the
// number of models: two for the full IMDB (an ensemble), one for the
// sample (small data). -members given stays.
func TestRecipeKeepsDefaultsOnLongTexts(t *testing.T) {
	train, _, err := imdb.Sample()
	if err != nil {
		t.Fatal(err)
	}
	train, _, err = train.SplitFraction(0.2, 1)
	if err != nil {
		t.Fatal(err)
	}
	sample := measure(vocab.CountTexts(train.Texts(), vocab.IMDB), train.LabelIDs(), 2)
	full := Shape{Examples: 20000, Tokens: 4_759_685, Median: 178, P90: 465, P95: 610, Max: 2498,
		Types: 69355, Once: 26386, Classes: 2, Minority: 0.49885}
	for name, s := range map[string]Shape{"sample": sample, "full": full} {
		cfg, model := adapt(DefaultConfig("classify"), DefaultModel("classify"), s, nil)
		if cfg.Recipe == nil || len(cfg.Recipe.Choices) < 10 {
			t.Fatalf("%s: recipe %+v", name, cfg.Recipe)
		}
		want := DefaultConfig("classify")
		if want.Members = 1; name == "full" {
			want.Members = 2
		}
		cfg.Recipe = nil
		if cfg != want || model != DefaultModel("classify") {
			t.Errorf("%s (%+v):\n got %+v\n     %+v\nwant %+v\n     %+v", name, s, cfg, model, want, DefaultModel("classify"))
		}
	}
	for _, m := range []struct {
		flag string
		want int
	}{{"0", 2}, {"1", 1}, {"3", 3}} {
		c := DefaultConfig("classify")
		given := givenFlags(flagSet(t, &c, "-members", m.flag))
		if cfg, _ := adapt(c, DefaultModel("classify"), full, given); cfg.Members != m.want {
			t.Errorf("-members %s given: %d members, want %d", m.flag, cfg.Members, m.want)
		}
	}
}

// TestRecipeClasses: more than two classes keep model.pt on the macro F1;
// a rarest class under half of an even share weighs the loss.
func TestRecipeClasses(t *testing.T) {
	for _, c := range []struct {
		classes          int
		minority         float64
		select_, weights string
	}{
		{2, 0.5, "acc", "none"}, {2, 0.2, "acc", "sqrt"}, {3, 0.3, "f1", "none"}, {3, 0.14, "f1", "sqrt"},
	} {
		s := Shape{Examples: 6000, Tokens: 120_000, Median: 20, P90: 28, P95: 30, Max: 40, Types: 16000, Once: 10000,
			Classes: c.classes, Minority: c.minority}
		cfg, _ := adapt(DefaultConfig("classify"), DefaultModel("classify"), s, nil)
		if cfg.Select != c.select_ || cfg.ClassWeights != c.weights {
			t.Errorf("%d classes, rarest %.0f%%: select %s, class weights %s; want %s, %s", c.classes, 100*c.minority, cfg.Select, cfg.ClassWeights, c.select_, c.weights)
		}
	}
}

// TestRecipeNamesNoDataSet: the rules read the data's shape, never a
// data set's name or path.
func TestRecipeNamesNoDataSet(t *testing.T) {
	names := regexp.MustCompile(`(?i)imdb|acl|semeval|tweet|twitter|sst|yelp|amazon|shakespeare|\.tsv|\.csv|/data`)
	for _, f := range []string{"recipe.go", "recipe_config.go"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if m := names.Find(b); m != nil {
			t.Errorf("%s names %q: the recipe must decide from the data's shape alone", f, m)
		}
	}
}

// TestAnnealResumes: -anneal divides the learning rate after an epoch
// without a better validation loss, and a run interrupted after epoch 2
// resumes at the same rate as the straight run (metrics.jsonl and weights
// byte for byte).
func TestAnnealResumes(t *testing.T) {
	runtime.LockOSThread()
	straight, split := t.TempDir(), t.TempDir()
	cfg, model := small(straight)
	cfg.Epochs, cfg.Anneal, cfg.Select, cfg.LR = 4, 4, "loss", 0.02
	if err := Run(context.Background(), cfg, model, io.Discard); err != nil {
		t.Fatal(err)
	}
	cfg.Out, cfg.Epochs = split, 2
	if err := Run(context.Background(), cfg, model, io.Discard); err != nil {
		t.Fatal(err)
	}
	if err := Resume(context.Background(), split, 4, io.Discard); err != nil {
		t.Fatal(err)
	}
	all, err := (&rundir.Folder{Dir: straight}).Metrics()
	if err != nil {
		t.Fatal(err)
	}
	annealed := false
	for i, e := range all[1:] {
		prev, want := all[i], all[i].LR
		if i > 0 && prev.ValidLoss >= bestLoss(all[:i]) { // epoch i+1 was not better
			want /= cfg.Anneal
		}
		annealed = annealed || e.LR < prev.LR
		if e.LR != want {
			t.Errorf("epoch %d: learning rate %g after %g (validation loss %v), want %g", e.Epoch, e.LR, prev.LR, prev.ValidLoss, want)
		}
	}
	if !annealed {
		t.Errorf("no epoch annealed the learning rate (validation losses %v): the test needs one", losses(all))
	}
	for _, f := range []string{rundir.MetricsFile, rundir.BestFile, rundir.WeightsName(4)} {
		if x, y := read(t, straight, f), read(t, split, f); !bytes.Equal(x, y) {
			t.Errorf("%s differs after resume:\n%s\n%s", f, x, y)
		}
	}
}

func bestLoss(es []rundir.Epoch) float64 {
	best := math.Inf(1)
	for _, e := range es {
		best = min(best, e.ValidLoss)
	}
	return best
}

func losses(es []rundir.Epoch) []float64 {
	var out []float64
	for _, e := range es {
		out = append(out, e.ValidLoss)
	}
	return out
}

// TestClassWeights: balanced is n/(C*n_k), sqrt its square root, none nil.
func TestClassWeights(t *testing.T) {
	labels := []int{0, 0, 0, 1, 2, 2}
	for mode, want := range map[string][]float64{
		"balanced": {6.0 / 9, 6.0 / 3, 6.0 / 6}, "sqrt": {math.Sqrt(6.0 / 9), math.Sqrt(2), 1}, "none": nil,
	} {
		got := classWeights(mode, labels, 3)
		if len(got) != len(want) {
			t.Fatalf("%s: %v, want %v", mode, got, want)
		}
		for k := range want {
			if math.Abs(float64(got[k])-want[k]) > 1e-6 {
				t.Errorf("%s: class %d weight %v, want %v", mode, k, got[k], want[k])
			}
		}
	}
}
