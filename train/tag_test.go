package train

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/torchrnn/torchrnn/conll"
	"github.com/torchrnn/torchrnn/infer"
	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/rundir"
)

// chunkCorpus writes n sentences of a tiny grammar in CoNLL-2000's layout
// (token, POS, BIO chunk): noun phrases DET ADJ* NOUN, verb phrases, and
// prepositional phrases, with made-up words, some seen only in dev/test.
func chunkCorpus(t *testing.T, path string, n int, seed uint64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 1))
	words := map[string][]string{
		"DT": {"the", "a", "every", "this"}, "JJ": {"red", "quick", "old", "green", "tall"},
		"NN": {"fox", "dog", "tree", "river", "stone", "cat", "boat"}, "VBZ": {"sees", "jumps", "likes", "finds"},
		"IN": {"over", "under", "near"}, "NNP": {"Anna", "Bob", "Kim"},
	}
	pick := func(pos string) string { w := words[pos]; return w[rng.IntN(len(w))] }
	var b strings.Builder
	np := func() {
		if rng.IntN(4) == 0 {
			fmt.Fprintf(&b, "%s NNP B-NP\n", pick("NNP"))
			return
		}
		fmt.Fprintf(&b, "%s DT B-NP\n", pick("DT"))
		for range rng.IntN(3) {
			fmt.Fprintf(&b, "%s JJ I-NP\n", pick("JJ"))
		}
		fmt.Fprintf(&b, "%s NN I-NP\n", pick("NN"))
	}
	for range n {
		np()
		fmt.Fprintf(&b, "%s VBZ B-VP\n", pick("VBZ"))
		np()
		if rng.IntN(2) == 0 {
			fmt.Fprintf(&b, "%s IN B-PP\n", pick("IN"))
			np()
		}
		b.WriteString(". . O\n\n")
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

func tagConfig(t *testing.T, dir string) (Config, lstm.Config) {
	data := t.TempDir()
	for i, name := range []string{"train.txt", "dev.txt", "test.txt"} {
		chunkCorpus(t, filepath.Join(data, name), []int{300, 40, 40}[i], uint64(i+1))
	}
	cfg := DefaultConfig("tag")
	cfg.Data, cfg.Out, cfg.Epochs, cfg.Batch, cfg.MinFreq, cfg.LR = data, dir, 8, 16, 1, 1e-2
	model := DefaultModel("tag")
	model.Embed, model.Hidden, model.CharEmbed, model.CharHidden, model.Dropout = 16, 24, 8, 8, 0.1
	return cfg, model
}

// A chunking run on a generated CoNLL corpus trains end to end, reports
// chunk F1, and its run folder tags a CoNLL file that reads back with the
// predicted column.
func TestTagChunkingRun(t *testing.T) {
	runtime.LockOSThread()
	for _, crf := range []bool{false, true} {
		dir := t.TempDir()
		cfg, model := tagConfig(t, dir)
		model.CRF = crf
		var out bytes.Buffer
		if err := Run(context.Background(), cfg, model, &out); err != nil {
			t.Fatalf("crf=%v: %v\n%s", crf, err, out.String())
		}
		report, err := os.ReadFile(filepath.Join(dir, rundir.TestReportFile))
		if err != nil {
			t.Fatal(err)
		}
		var p, r, f float64
		i := strings.Index(string(report), "precision:")
		if _, err := fmt.Sscanf(string(report[i:]), "precision: %f%%; recall: %f%%; FB1: %f", &p, &r, &f); err != nil {
			t.Fatalf("crf=%v: no conlleval summary in test.txt: %v\n%s", crf, err, report)
		}
		if f < 90 {
			t.Errorf("crf=%v: test chunk F1 %.2f, want at least 90 on this easy grammar\n%s", crf, f, out.String())
		}
		dev, err := Device(cfg.Device)
		if err != nil {
			t.Fatal(err)
		}
		tg, err := infer.LoadTagger(dir, dev)
		if err != nil {
			t.Fatal(err)
		}
		in := filepath.Join(t.TempDir(), "in.txt")
		chunkCorpus(t, in, 5, 9)
		sents, err := conll.ReadFile(in, conll.Options{NoTags: true})
		if err != nil {
			t.Fatal(err)
		}
		var tokens [][]string
		for _, s := range sents {
			tokens = append(tokens, s.Tokens)
		}
		tags, err := tg.Tag(tokens)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		for i, s := range sents {
			conll.Write(&buf, s, tags[i])
		}
		back, err := conll.Read(&buf, "out.txt", conll.Options{})
		if err != nil {
			t.Fatal(err)
		}
		gold, _ := conll.ReadFile(in, conll.Options{})
		var sc conll.Score
		for i := range back {
			if !slices.Equal(back[i].Tokens, gold[i].Tokens) || !slices.Equal(back[i].Tags, tags[i]) {
				t.Fatalf("round trip: %q %q, want %q %q", back[i].Tokens, back[i].Tags, gold[i].Tokens, tags[i])
			}
			sc.Add(gold[i].Tags, back[i].Tags)
		}
		if sc.All.F1() < 0.8 {
			t.Errorf("crf=%v: predicted chunk F1 %.2f on fresh sentences", crf, sc.All.F1())
		}
	}
}

// TestTagDryRunEveryCell trains one batch per phase for each cell and
// checks the tagger's run folder.
func TestTagDryRunEveryCell(t *testing.T) {
	runtime.LockOSThread()
	for _, cell := range []lstm.Cell{lstm.RNNTanh, lstm.RNNReLU, lstm.LSTM, lstm.GRU} {
		dir := t.TempDir()
		cfg, model := tagConfig(t, dir)
		cfg.DryRun, model.Cell, model.Layers = true, cell, 2
		if err := Run(context.Background(), cfg, model, io.Discard); err != nil {
			t.Fatalf("%s: %v", cell, err)
		}
		for _, f := range []string{rundir.ConfigFile, rundir.VocabFile, rundir.CharsFile, rundir.BestFile, rundir.StateFile, rundir.TestReportFile} {
			if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
				t.Errorf("%s: %v", cell, err)
			}
		}
	}
}

func TestTagUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		set  func(*Config)
		want string
	}{
		{func(c *Config) {}, "needs -data"},
		{func(c *Config) { c.Format = "xml" }, "-format xml"},
		{func(c *Config) { c.TagColumn = "0" }, "-tag-column 0"},
		{func(c *Config) { c.DevFile = "d.conllu" }, "-dev and -test need -train"},
		{func(c *Config) { c.Data = "testdata/none" }, "-data"},
	} {
		cfg := DefaultConfig("tag")
		cfg.Out = t.TempDir()
		tc.set(&cfg)
		err := Run(context.Background(), cfg, DefaultModel("tag"), io.Discard)
		if _, usage := err.(UsageError); !usage || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want a usage error containing %q", err, tc.want)
		}
	}
}

func TestEpochLR(t *testing.T) {
	for _, tc := range []struct {
		final         float64
		epoch, epochs int
		want          float64
	}{{0.1, 1, 5, 1}, {0.1, 5, 5, 0.1}, {0.1, 3, 5, 0.55}, {0.1, 9, 5, 0.1}, {0, 3, 5, 1}, {1, 3, 5, 1}, {0.5, 1, 1, 1}} {
		if got := epochLR(1, tc.final, tc.epoch, tc.epochs); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("final %v epoch %d/%d: %v, want %v", tc.final, tc.epoch, tc.epochs, got, tc.want)
		}
	}
}

// A tagger's run resumes: the second epoch runs on the saved vocabularies,
// characters and tags, and the test is scored again.
func TestTagResume(t *testing.T) {
	runtime.LockOSThread()
	dir := t.TempDir()
	cfg, model := tagConfig(t, dir)
	cfg.Epochs = 1
	if err := Run(context.Background(), cfg, model, io.Discard); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := Resume(context.Background(), dir, 2, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	run, _, err := rundir.OpenFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	var st rundir.State
	if err := run.ReadJSON(rundir.StateFile, &st); err != nil {
		t.Fatal(err)
	}
	if st.Epoch != 2 || st.TestAcc <= 0 || !strings.Contains(out.String(), "epoch  2") {
		t.Errorf("after resume: epoch %d, test accuracy %v\n%s", st.Epoch, st.TestAcc, out.String())
	}
}
