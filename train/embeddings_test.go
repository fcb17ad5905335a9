package train

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/torchrnn/torchrnn/internal/tensor"
	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/rundir"
	"github.com/torchrnn/torchrnn/vectors"
	"github.com/torchrnn/torchrnn/vocab"
)

// sampleVectors writes random GloVe vectors of dim for the tokens of the
// built-in sample's vocabulary (from a dry run's vocab.txt), leaving out
// every tenth token, and returns the file's path and the vocabulary.
func sampleVectors(t *testing.T, dim int) (string, *vocab.Vocab) {
	t.Helper()
	dry := t.TempDir()
	cfg, model := small(dry)
	cfg.DryRun = true
	if err := Run(context.Background(), cfg, model, io.Discard); err != nil {
		t.Fatal(err)
	}
	v, err := vocab.Load(filepath.Join(dry, rundir.VocabFile))
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	var words []string
	var vecs [][]float32
	for id := range int64(v.Len()) {
		tok := v.Token(id)
		if id < 2 || id%10 == 0 || strings.ContainsAny(tok, " \n\r") {
			continue
		}
		row := make([]float32, dim)
		for k := range row {
			row[k] = float32(rng.NormFloat64())
		}
		words, vecs = append(words, tok), append(vecs, row)
	}
	path := filepath.Join(t.TempDir(), "sample.vec")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := vectors.Write(f, vectors.GloVe, words, vecs); err != nil {
		t.Fatal(err)
	}
	return path, v
}

// embedding reads a run's model.pt embedding weight.
func embedding(t *testing.T, dir string) []float32 {
	t.Helper()
	_, info, err := rundir.OpenFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	m, err := lstm.NewClassifier(info.Model, gotch.CPU)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Params.Drop()
	if err := m.Params.Load(filepath.Join(dir, rundir.BestFile)); err != nil {
		t.Fatal(err)
	}
	w, err := tensor.Float32s(m.Embedding.Weight)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// -embeddings starts the embedding from the file (config.json records it);
// -freeze-embed keeps it exactly so through training and a resume that no
// longer has the file; without it, training moves it.
func TestPretrainedEmbeddings(t *testing.T) {
	runtime.LockOSThread()
	path, v := sampleVectors(t, 16)
	m, err := vectors.Load(path, v, vectors.Options{Dim: 16, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	want := slices.Concat(m.Rows...)

	frozen := t.TempDir()
	cfg, model := small(frozen)
	cfg.Embeddings, cfg.FreezeEmbed, cfg.Epochs = path, true, 1
	var log strings.Builder
	if err := Run(context.Background(), cfg, model, &log); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "vectors: "+path+": ") || m.Found() == 0 || m.Found() == m.Tokens {
		t.Errorf("no coverage line, or a file that covers all or nothing:\n%s", log.String())
	}
	if got := embedding(t, frozen); !slices.Equal(got, want) {
		t.Error("the frozen embedding is not the vectors file's after an epoch")
	}
	b, _ := os.ReadFile(path)
	sum := sha256.Sum256(b)
	_, info, _ := rundir.OpenFolder(frozen)
	var rec Config
	if err := info.ReadTrain(&rec); err != nil {
		t.Fatal(err)
	}
	if rec.Embeddings != path || rec.EmbeddingsSize != int64(len(b)) || rec.EmbeddingsSHA256 != hex.EncodeToString(sum[:]) || !rec.FreezeEmbed {
		t.Errorf("config.json records %q, %d bytes, %s, frozen %v", rec.Embeddings, rec.EmbeddingsSize, rec.EmbeddingsSHA256, rec.FreezeEmbed)
	}
	os.Remove(path) // a resume takes the weights from the checkpoint
	if err := Resume(context.Background(), frozen, 2, io.Discard); err != nil {
		t.Fatal(err)
	}
	if got := embedding(t, frozen); !slices.Equal(got, want) {
		t.Error("the frozen embedding moved in the resumed epoch")
	}

	path, _ = sampleVectors(t, 16)
	trained := t.TempDir()
	cfg.Out, cfg.Embeddings, cfg.FreezeEmbed = trained, path, false
	if err := Run(context.Background(), cfg, model, io.Discard); err != nil {
		t.Fatal(err)
	}
	if got := embedding(t, trained); slices.Equal(got, want) || len(got) != len(want) {
		t.Error("without -freeze-embed the embedding did not train")
	}

	cfg.Out, model.Embed = t.TempDir(), 8
	err = Run(context.Background(), cfg, model, io.Discard)
	var usage UsageError
	if !errors.As(err, &usage) || !strings.Contains(err.Error(), "has 16 dimensions, -embed is 8") {
		t.Errorf("a vectors file of another size: %v", err)
	}
	cfg.EmbeddingsFormat = "nonsense"
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "-embeddings-format") {
		t.Errorf("bad format: %v", err)
	}
}
