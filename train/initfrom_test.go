package train

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/torchrnn/torchrnn/infer"
	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/rundir"
	"github.com/torchrnn/torchrnn/torch"
	"github.com/torchrnn/torchrnn/vocab"
)

// docsLM trains a word-level LSTM language model (embed 8, hidden 8) for an
// epoch on a folder of documents, as for pretraining, and returns its run
// folder.
func docsLM(t *testing.T, level string) string {
	t.Helper()
	return docsLMDirection(t, level, false)
}

// docsLMDirection is docsLM, a backward model (-reverse) when reverse.
func docsLMDirection(t *testing.T, level string, reverse bool) string {
	t.Helper()
	dir := t.TempDir()
	words := []string{"good", "great", "film", "bad", "dull", "plot", "the", "a"}
	for i := range 40 {
		sub := filepath.Join(dir, "unsup", fmt.Sprint(i%3))
		if err := os.MkdirAll(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		var doc []string
		for k := range 12 {
			doc = append(doc, words[(i*5+k*3)%len(words)])
		}
		if err := os.WriteFile(filepath.Join(sub, fmt.Sprintf("%d.txt", i)), []byte(strings.Join(doc, " ")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "README"), []byte("not a document"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig("lm")
	cfg.Text, cfg.Level, cfg.Tokenizer, cfg.Out = dir, level, "whitespace", filepath.Join(t.TempDir(), "lm")
	cfg.Batch, cfg.BPTT, cfg.Epochs, cfg.Patience, cfg.Reverse = 4, 10, 1, 0, reverse
	if err := Run(context.Background(), cfg, lstm.Config{Cell: lstm.LSTM, Embed: 8, Hidden: 8, Layers: 1}, io.Discard); err != nil {
		t.Fatal(err)
	}
	return cfg.Out
}

func values(t *testing.T, p *lstm.Params, name string) []float32 {
	t.Helper()
	v, err := torch.Float32s(p.Get(name))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// A language model trained on documents records them, and its embedding
// rows and recurrent layers start a classifier: rows through the tokens
// both vocabularies hold (others and the padding row kept), layers by name
// (the reverse direction, which the model lacks, kept), frozen for the
// -unfreeze epochs. Shapes that differ are an error naming each tensor; a
// character-level model is refused.
func TestInitFromLanguageModel(t *testing.T) {
	runtime.LockOSThread()
	lmDir := docsLM(t, "word")
	run, info, err := rundir.OpenFolder(lmDir)
	if err != nil {
		t.Fatal(err)
	}
	if text, err := info.Text(); err != nil || !text.Documents {
		t.Fatalf("the run's text settings %+v (%v): want documents", text, err)
	}
	lmV, lm, err := rundir.LoadModel(run, info, gotch.CPU, lstm.NewLM, func(m *lstm.LM) *lstm.Params { return m.Params })
	if err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{vocab.EOS, "good", "great", "film", "bad", "dull", "plot", "the", "a"} {
		if _, ok := lmV.Lookup(tok); !ok {
			t.Errorf("the documents' vocabulary lacks %q", tok)
		}
	}
	if _, ok := lmV.Lookup("not"); ok {
		t.Error("README, not a .txt file, was read as a document")
	}

	v := vocab.New(vocab.CountTokens([][]string{{"good", "film", "boring", "good"}}), vocab.Options{})
	newModel := func(hidden int) *lstm.Classifier {
		m, err := lstm.NewClassifier(lstm.Config{Cell: lstm.LSTM, Embed: 8, Hidden: hidden, Layers: 1, Bidirectional: true,
			Vocab: v.Len(), Classes: 2, Head: 4, Pooling: lstm.Max}, gotch.CPU)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	m := newModel(8)
	before := map[string][]float32{}
	for _, name := range m.Params.Names() {
		before[name] = values(t, m.Params, name)
	}
	cfg := DefaultConfig("classify")
	cfg.InitFrom, cfg.Unfreeze = lmDir, 1
	var out bytes.Buffer
	cfg, set, err := initFrom(cfg, m, v, gotch.CPU, false, &out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "embedding rows of 2 of 3 tokens found") || cfg.InitFromSHA256 == "" {
		t.Errorf("report %q, checksum %q", out.String(), cfg.InitFromSHA256)
	}
	emb, lmEmb := values(t, m.Params, "embedding.weight"), values(t, lm.Params, "encoder.weight")
	row := func(x []float32, id int64) []float32 { return x[id*8 : (id+1)*8] }
	for _, tok := range []string{"good", "film", vocab.Unk} {
		id, _ := v.Lookup(tok)
		j, _ := lmV.Lookup(tok)
		if !slices.Equal(row(emb, id), row(lmEmb, j)) {
			t.Errorf("row of %q: %v, the language model's %v", tok, row(emb, id), row(lmEmb, j))
		}
	}
	boring, _ := v.Lookup("boring")
	if !slices.Equal(row(emb, boring), row(before["embedding.weight"], boring)) || !slices.Equal(row(emb, vocab.PadID), make([]float32, 8)) {
		t.Error("a token the language model lacks, or the padding row, changed")
	}
	for _, name := range []string{"rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0"} {
		if !slices.Equal(values(t, m.Params, name), values(t, lm.Params, name)) {
			t.Errorf("%s was not taken from the language model", name)
		}
	}
	for _, name := range []string{"rnn.weight_ih_l0_reverse", "fc1.weight", "fc2.bias"} {
		if !slices.Equal(values(t, m.Params, name), before[name]) {
			t.Errorf("%s changed", name)
		}
	}
	if len(set.tensors) != 5 {
		t.Fatalf("%d pretrained tensors, want the embedding and 4 of the forward layer", len(set.tensors))
	}
	for epoch, want := range map[int]bool{1: false, 2: true} {
		if err := set.epoch(epoch); err != nil {
			t.Fatal(err)
		}
		for _, x := range set.tensors {
			if x.MustRequiresGrad() != want {
				t.Errorf("-unfreeze 1, epoch %d: requires grad %v", epoch, !want)
			}
		}
	}

	_, _, err = initFrom(cfg, newModel(6), v, gotch.CPU, false, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "rnn.weight_hh_l0: [32 8] in the language model, [24 6] here") {
		t.Errorf("hidden 6 from hidden 8: %v", err)
	}
	cfg.InitFrom = docsLM(t, "char")
	if _, _, err = initFrom(cfg, newModel(8), v, gotch.CPU, false, io.Discard); err == nil || !strings.Contains(err.Error(), "not a word-level language model") {
		t.Errorf("a character-level model: %v", err)
	}
}

// cmd/train -init-from with -unfreeze trains a classifier end to end and
// records where its weights came from.
func TestInitFromRun(t *testing.T) {
	runtime.LockOSThread()
	lmDir := docsLM(t, "word")
	data := filepath.Join(t.TempDir(), "data.tsv")
	var rows strings.Builder
	for i := range 40 {
		text, label := "a good great film", "pos"
		if i%2 == 1 {
			text, label = "a bad dull plot", "neg"
		}
		fmt.Fprintf(&rows, "%s\t%s\n", text, label)
	}
	if err := os.WriteFile(data, []byte(rows.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig("classify")
	cfg.Data, cfg.Tokenizer, cfg.MinFreq, cfg.Epochs, cfg.Out = data, "whitespace", 1, 2, filepath.Join(t.TempDir(), "run")
	cfg.InitFrom, cfg.Unfreeze = lmDir, 1
	model := DefaultModel("classify")
	model.Cell, model.Embed, model.Hidden, model.Layers, model.Head = lstm.LSTM, 8, 8, 1, 4
	var out bytes.Buffer
	if err := Run(context.Background(), cfg, model, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	b, err := os.ReadFile(filepath.Join(cfg.Out, rundir.ConfigFile))
	if err != nil {
		t.Fatal(err)
	}
	var info struct {
		Train struct {
			InitFrom       string `json:"init_from"`
			InitFromSHA256 string `json:"init_from_sha256"`
			Unfreeze       int    `json:"unfreeze"`
		} `json:"train"`
	}
	if err := json.Unmarshal(b, &info); err != nil {
		t.Fatal(err)
	}
	if info.Train.InitFrom != lmDir || len(info.Train.InitFromSHA256) != 64 || info.Train.Unfreeze != 1 {
		t.Errorf("config.json records %+v", info.Train)
	}
	if !strings.Contains(out.String(), "init-from "+lmDir) {
		t.Errorf("no init-from line in\n%s", out.String())
	}
	cfg.Task, cfg.Out = "tag", ""
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "-init-from is for -task classify") {
		t.Errorf("-init-from on a tagger: %v", err)
	}
	cfg.Task = "lm"
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "-unfreeze 1 is for -task classify") {
		t.Errorf("-unfreeze on a language model: %v", err)
	}
}

// A backward language model started from a forward one's embedding and
// kept on it (-reverse -init-from FWD -freeze-embed) ends with the same
// rows for the tokens both hold: the two directions read one embedding.
func TestLMEmbeddingFromLM(t *testing.T) {
	runtime.LockOSThread()
	fwd := docsLM(t, "word")
	cfg := DefaultConfig("lm")
	text := filepath.Join(t.TempDir(), "text.txt")
	if err := os.WriteFile(text, []byte(strings.Repeat("the good film a dull plot a great film the bad plot\n", 40)), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg.Text, cfg.Level, cfg.Tokenizer, cfg.Out = text, "word", "whitespace", filepath.Join(t.TempDir(), "bwd")
	cfg.Batch, cfg.BPTT, cfg.Epochs, cfg.Patience, cfg.Reverse = 4, 10, 1, 0, true
	cfg.InitFrom, cfg.FreezeEmbed = fwd, true
	var out bytes.Buffer
	if err := Run(context.Background(), cfg, lstm.Config{Cell: lstm.LSTM, Embed: 8, Hidden: 8, Layers: 1}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "init-from "+fwd+": embedding rows of") {
		t.Errorf("no init-from line in\n%s", out.String())
	}
	fv, f := loadLM(t, fwd)
	defer f.Params.Drop()
	bv, b := loadLM(t, cfg.Out)
	defer b.Params.Drop()
	from, to := values(t, f.Params, "encoder.weight"), values(t, b.Params, "encoder.weight")
	shared := 0
	for id := range int64(bv.Len()) {
		j, ok := fv.Lookup(bv.Token(id))
		if !ok {
			continue
		}
		shared++
		if !slices.Equal(to[id*8:(id+1)*8], from[j*8:(j+1)*8]) {
			t.Errorf("%q: the backward model's row differs from the forward model's", bv.Token(id))
		}
	}
	if shared < 10 { // the 8 words, <unk> and <eos>
		t.Fatalf("%d tokens shared, want 10", shared)
	}
}

// A forward and a backward language model start a bidirectional
// classifier's two directions (-init-from FWD,BWD): the backward model's
// layers become the reverse direction's, the embedding is the first
// model's. Two models of one direction are an error, as is generating from
// a backward model.
func TestInitFromBothDirections(t *testing.T) {
	runtime.LockOSThread()
	fwd, bwd := docsLMDirection(t, "word", false), docsLMDirection(t, "word", true)
	fv, f := loadLM(t, fwd)
	defer f.Params.Drop()
	bv, b := loadLM(t, bwd)
	defer b.Params.Drop()
	v := vocab.New(vocab.CountTokens([][]string{{"good", "film", "boring", "good"}}), vocab.Options{})
	for _, order := range [][]string{{fwd, bwd}, {bwd, fwd}} {
		m, err := lstm.NewClassifier(lstm.Config{Cell: lstm.LSTM, Embed: 8, Hidden: 8, Layers: 1, Bidirectional: true,
			Vocab: v.Len(), Classes: 2, Head: 4, Pooling: lstm.Max}, gotch.CPU)
		if err != nil {
			t.Fatal(err)
		}
		cfg := DefaultConfig("classify")
		cfg.InitFrom = strings.Join(order, ",")
		cfg, set, err := initFrom(cfg, m, v, gotch.CPU, false, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"rnn.weight_ih_l0", "rnn.bias_hh_l0"} {
			if !slices.Equal(values(t, m.Params, name), values(t, f.Params, name)) {
				t.Errorf("%v: %s is not the forward model's", order, name)
			}
			if !slices.Equal(values(t, m.Params, name+"_reverse"), values(t, b.Params, name)) {
				t.Errorf("%v: %s_reverse is not the backward model's %s", order, name, name)
			}
		}
		first, firstV := f, fv
		if order[0] == bwd {
			first, firstV = b, bv
		}
		id, _ := v.Lookup("film")
		j, _ := firstV.Lookup("film")
		if got, want := values(t, m.Params, "embedding.weight")[id*8:(id+1)*8], values(t, first.Params, "encoder.weight")[j*8:(j+1)*8]; !slices.Equal(got, want) {
			t.Errorf("%v: the embedding is not the first model's", order)
		}
		if n := len(set.tensors); n != 9 || len(strings.Split(cfg.InitFromSHA256, ",")) != 2 {
			t.Errorf("%v: %d tensors taken (want the embedding and 4 per direction), checksums %q", order, n, cfg.InitFromSHA256)
		}
	}
	cfg := DefaultConfig("classify")
	cfg.InitFrom = fwd + "," + docsLM(t, "word")
	m, err := lstm.NewClassifier(lstm.Config{Cell: lstm.LSTM, Embed: 8, Hidden: 8, Layers: 1, Bidirectional: true,
		Vocab: v.Len(), Classes: 2, Head: 4, Pooling: lstm.Max}, gotch.CPU)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := initFrom(cfg, m, v, gotch.CPU, false, io.Discard); err == nil || !strings.Contains(err.Error(), "forward language model too") {
		t.Errorf("two forward models: %v", err)
	}
	if _, err := infer.LoadGenerator(bwd, gotch.CPU); err == nil || !strings.Contains(err.Error(), "backward language model") {
		t.Errorf("generating from a backward model: %v", err)
	}
}

// loadLM loads the language model of the run folder dir; the caller drops
// its Params.
func loadLM(t *testing.T, dir string) (*vocab.Vocab, *lstm.LM) {
	t.Helper()
	run, info, err := rundir.OpenFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	v, lm, err := rundir.LoadModel(run, info, gotch.CPU, lstm.NewLM, func(m *lstm.LM) *lstm.Params { return m.Params })
	if err != nil {
		t.Fatal(err)
	}
	return v, lm
}
