package rundir

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/torchrnn/torchrnn/lstm"
)

// TestOldFolderLoads reads testdata/classify, the JSON files of a dry run
// written by cmd/train before package rundir existed.
func TestOldFolderLoads(t *testing.T) {
	run, info, err := OpenFolder(filepath.Join("testdata", "classify"))
	if err != nil {
		t.Fatal(err)
	}
	if info.Task != "classify" || info.Model.Cell != lstm.LSTM || !info.Model.Bidirectional || !slices.Equal(info.Labels, []string{"neg", "pos"}) {
		t.Errorf("config.json: %+v", info)
	}
	text, err := info.Text()
	if want := (Text{Tokenizer: "imdb", Level: "char", MaxLen: 400, Truncate: "tail"}); err != nil || text != want {
		t.Errorf("text settings %+v (%v), want %+v", text, err, want)
	}
	var st State
	if err := run.ReadJSON(StateFile, &st); err != nil || st.Epoch != 1 || !st.Done || st.TestLoss == 0 {
		t.Errorf("state.json: %+v (%v)", st, err)
	}
	epochs, err := run.Metrics()
	if err != nil || len(epochs) != 1 || epochs[0].ValidAcc != 0.5 {
		t.Errorf("metrics.jsonl: %+v (%v)", epochs, err)
	}
}

// TestInfoRoundTrip: the training settings go in as any value and come
// back whole (ReadTrain, strict) or in part (Text).
func TestInfoRoundTrip(t *testing.T) {
	type settings struct {
		Tokenizer string `json:"tokenizer"`
		MaxLen    int    `json:"max_len"`
		Epochs    int    `json:"epochs"`
	}
	dir := filepath.Join(t.TempDir(), "run")
	run, err := NewFolder(dir, "classify")
	if err != nil {
		t.Fatal(err)
	}
	in := settings{Tokenizer: "chars", MaxLen: 9, Epochs: 3}
	info, err := NewInfo("classify", lstm.Config{Vocab: 5}, in, []string{"a", "b"})
	if err != nil {
		t.Fatal(err)
	}
	if err := run.WriteJSON(ConfigFile, info); err != nil {
		t.Fatal(err)
	}
	_, back, err := OpenFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out settings
	if err := back.ReadTrain(&out); err != nil || out != in {
		t.Errorf("ReadTrain: %+v (%v), want %+v", out, err, in)
	}
	if text, err := back.Text(); err != nil || text != (Text{Tokenizer: "chars", MaxLen: 9}) {
		t.Errorf("Text: %+v (%v)", text, err)
	}
	var fewer struct {
		Epochs int `json:"epochs"`
	}
	if err := back.ReadTrain(&fewer); err == nil || !strings.Contains(err.Error(), "unknown field") {
		t.Errorf("ReadTrain into a struct with fewer fields: %v, want an unknown-field error", err)
	}
}

func TestFolderErrors(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "x"), nil, 0o644)
	if _, err := NewFolder(dir, "lm"); !errors.Is(err, ErrNotEmpty) {
		t.Errorf("NewFolder over a file: %v, want ErrNotEmpty", err)
	}
	for name, body := range map[string]string{
		"damaged":   `{"torchrnn": "0.1.0", "task": `,
		"not a run": `{"task": "lm"}`,
		"unknown":   `{"torchrnn": "0.1.0", "task": "lm", "vocab": "vocab.txt", "colour": "red"}`,
	} {
		os.WriteFile(filepath.Join(dir, ConfigFile), []byte(body), 0o644)
		if _, _, err := OpenFolder(dir); err == nil {
			t.Errorf("%s config.json: no error", name)
		}
	}
}

// TestAppendMetricsReplaces: appending epoch 2 again (an interrupted epoch
// repeated on resume) drops the old epoch 2 and anything after it.
func TestAppendMetricsReplaces(t *testing.T) {
	run := &Folder{Dir: t.TempDir()}
	for _, e := range []Epoch{{Epoch: 1, TrainLoss: 3}, {Epoch: 2, TrainLoss: 2}, {Epoch: 3, TrainLoss: 1}, {Epoch: 2, TrainLoss: 1.5}} {
		if err := run.AppendMetrics(e); err != nil {
			t.Fatal(err)
		}
	}
	got, err := run.Metrics()
	if want := []Epoch{{Epoch: 1, TrainLoss: 3}, {Epoch: 2, TrainLoss: 1.5}}; err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("metrics %+v (%v), want %+v", got, err, want)
	}
}

func TestTextTokens(t *testing.T) {
	for _, tc := range []struct {
		level, text string
		want        []string
	}{
		{"char", "hé\nx", []string{"h", "é", "\n", "x"}},
		{"word", "to be\n\nor  not\n", []string{"to", "be", "<eos>", "or", "not", "<eos>"}},
	} {
		if got := (Text{Level: tc.level}).Tokens(tc.text); !slices.Equal(got, tc.want) {
			t.Errorf("%s %q: %q, want %q", tc.level, tc.text, got, tc.want)
		}
	}
	if _, err := Tokenizer("bpe"); err == nil {
		t.Error(`Tokenizer("bpe"): no error`)
	}
}

// A run's metrics: one line per epoch, read back in order.
func ExampleFolder() {
	dir, _ := os.MkdirTemp("", "run")
	defer os.RemoveAll(dir)
	run := &Folder{Dir: dir}
	for i, loss := range []float64{0.69, 0.41} {
		run.AppendMetrics(Epoch{Epoch: i + 1, TrainLoss: loss})
	}
	epochs, _ := run.Metrics()
	for _, e := range epochs {
		fmt.Printf("epoch %d: train loss %.2f\n", e.Epoch, e.TrainLoss)
	}
	// Output:
	// epoch 1: train loss 0.69
	// epoch 2: train loss 0.41
}
