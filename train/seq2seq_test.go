package train

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/torchrnn/torchrnn/bleu"
	"github.com/torchrnn/torchrnn/infer"
	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/rundir"
	"github.com/torchrnn/torchrnn/torch"
)

func seq2seqConfig(t *testing.T, dir, data string) (Config, lstm.Config) {
	t.Helper()
	cfg, model := DefaultConfig("seq2seq"), DefaultModel("seq2seq")
	cfg.Data, cfg.Out, cfg.MaxTime = data, dir, 0
	model.Embed, model.Hidden = 16, 32
	return cfg, model
}

// TestSeq2SeqDryRunEveryCellAndAttention trains one batch per phase for
// each cell and attention (with input feeding for one) and checks the run
// folder.
func TestSeq2SeqDryRunEveryCellAndAttention(t *testing.T) {
	runtime.LockOSThread()
	for _, cell := range []lstm.Cell{lstm.RNNTanh, lstm.RNNReLU, lstm.LSTM, lstm.GRU} {
		for _, attn := range []lstm.Attention{lstm.Additive, lstm.General, lstm.Dot} {
			dir := t.TempDir()
			cfg, model := seq2seqConfig(t, dir, "toy:sort")
			cfg.DryRun, model.Cell, model.Attention, model.Layers = true, cell, attn, 2
			model.InputFeed = attn == lstm.General
			if err := Run(context.Background(), cfg, model, io.Discard); err != nil {
				t.Fatalf("%s %s: %v", cell, attn, err)
			}
			for _, f := range []string{rundir.ConfigFile, rundir.VocabFile, rundir.TargetVocabFile, rundir.BestFile, rundir.StateFile, rundir.TranslationFile} {
				if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
					t.Errorf("%s %s: %v", cell, attn, err)
				}
			}
		}
	}
}

// TestSeq2SeqToyAndTranslate trains the reversal toy briefly, then checks
// that cmd/translate's path (infer.Translator) gives the test translations
// and BLEU the trainer wrote, and that unknown words are reported.
func TestSeq2SeqToyAndTranslate(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a toy model for a few seconds")
	}
	runtime.LockOSThread()
	dir := t.TempDir()
	cfg, model := seq2seqConfig(t, dir, "toy:reverse")
	cfg.Epochs, cfg.Beam = 1, 3
	var out bytes.Buffer
	if err := Run(context.Background(), cfg, model, &out); err != nil {
		t.Fatal(err)
	}
	var st rundir.State
	if err := (&rundir.Folder{Dir: dir}).ReadJSON(rundir.StateFile, &st); err != nil {
		t.Fatal(err)
	}
	if st.TestBLEU <= 0 || !strings.Contains(out.String(), "test beam 3: BLEU") {
		t.Fatalf("test BLEU %v; output:\n%s", st.TestBLEU, out.String())
	}
	tr, err := infer.LoadTranslator(dir, torch.CPU)
	if err != nil {
		t.Fatal(err)
	}
	test := toyTask("reverse", cfg.Seed).Test
	src := make([]string, len(test))
	refs := make([]string, len(test))
	for i, p := range test {
		src[i], refs[i] = p.Src, p.Tgt
	}
	got, err := tr.Translate(src, tr.Beam, false)
	if err != nil {
		t.Fatal(err)
	}
	saved, err := os.ReadFile(filepath.Join(dir, rundir.TranslationFile))
	if err != nil {
		t.Fatal(err)
	}
	hyps := make([]string, len(got))
	for i, g := range got {
		hyps[i] = strings.Join(g.Tokens, " ")
	}
	if strings.Join(hyps, "\n")+"\n" != string(saved) {
		t.Error("the translator's test translations differ from the trainer's")
	}
	s, err := bleu.CorpusText(hyps, refs)
	if err != nil || s.BLEU != st.TestBLEU {
		t.Errorf("translator BLEU %v (%v), trainer's %v", s.BLEU, err, st.TestBLEU)
	}
	unk, err := tr.Translate([]string{"a zz b", ""}, 1, true)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(unk[0].Unknown, " ") != "zz" || len(unk[0].Attention) != len(unk[0].Tokens)+1 || len(unk[1].Tokens) != 0 {
		t.Errorf("unknown %q, %d attention rows for %d tokens; empty sentence: %q", unk[0].Unknown, len(unk[0].Attention), len(unk[0].Tokens), unk[1].Tokens)
	}
}

func TestSeq2SeqUsageErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	three, two := write("a.de", "a\nb\nc\n"), write("a.en", "x\ny\n")
	gap := write("gap.en", "x\n\nz\n")
	for _, tc := range []struct {
		set  func(*Config)
		want string
	}{
		{func(c *Config) { c.Data = "" }, "needs -data"},
		{func(c *Config) { c.Data = "toy:copy" }, "want toy:reverse or toy:sort"},
		{func(c *Config) { c.Data, c.Src = "", three }, "-src and -tgt go together"},
		{func(c *Config) { c.Data, c.Src, c.Tgt = "", three, two }, "a.de has 3 lines but " + two + " has 2"},
		{func(c *Config) { c.Data, c.Src, c.Tgt = "", three, gap }, "gap.en:2: empty line"},
		{func(c *Config) { c.Teacher = 0 }, "-teacher-forcing 0"},
		{func(c *Config) { c.Beam = 0 }, "-beam 0"},
		{func(c *Config) { c.Smoothing = 1 }, "-label-smoothing 1"},
		{func(c *Config) { c.Data = filepath.Join(dir, "none") }, "-data"},
	} {
		cfg, model := seq2seqConfig(t, t.TempDir(), "toy:reverse")
		tc.set(&cfg)
		err := Run(context.Background(), cfg, model, io.Discard)
		if _, ok := err.(UsageError); !ok || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want a usage error with %q", err, tc.want)
		}
	}
}

// TestSeq2SeqResume trains one epoch, then resumes the folder for a second:
// the vocabularies come from the folder and a second metrics line follows.
func TestSeq2SeqResume(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a toy model for two epochs")
	}
	runtime.LockOSThread()
	dir := t.TempDir()
	cfg, model := seq2seqConfig(t, dir, "toy:sort")
	cfg.Epochs, cfg.Beam = 1, 1
	if err := Run(context.Background(), cfg, model, io.Discard); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := Resume(context.Background(), dir, 2, &out); err != nil {
		t.Fatalf("resume: %v\n%s", err, out.String())
	}
	all, err := (&rundir.Folder{Dir: dir}).Metrics()
	if err != nil || len(all) != 2 || all[1].ValidBLEU <= 0 {
		t.Errorf("metrics after resume: %+v, %v", all, err)
	}
}
