package weights

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/torch"
)

// The logits test can fail: a model that did not load gives others.
func TestFreshModelDiffers(t *testing.T) {
	f := fix(t)
	c := f.Classifiers[0]
	m := newClassifier(t, classifierConfig(f, c))
	if d := maxDiff(logits(t, m, f), c.Logits.float32s()); d < 1e-3 {
		t.Fatalf("an untrained model's logits are within %g of the fixture's", d)
	}
}

// Strict loading into models of other shapes lists every missing,
// unexpected and mismatched tensor, and changes nothing.
func TestStrictLists(t *testing.T) {
	f := fix(t)
	sd := readTorch(t, "classifier_lstm.pt")
	cfg := classifierConfig(f, f.Classifiers[0])
	cfg.Layers = 3       // rnn.*_l2 and _l2_reverse missing
	cfg.Hidden = f.H + 1 // every recurrent weight and fc1.weight mismatched
	m := newClassifier(t, cfg)
	params, _ := ModelParams(m)
	before := values(t, params)
	r, err := Load(params, sd, Options{Strict: true})
	var le *LoadError
	if !errors.As(err, &le) {
		t.Fatalf("error %v, want a *LoadError", err)
	}
	if len(r.Missing) != 8 || len(r.Unexpected) != 0 || len(r.Mismatched) != 4*2*2+1 || len(r.Loaded) != 4 {
		t.Errorf("report:\n%s", r)
	}
	msg := err.Error()
	for _, want := range []string{
		"4 loaded, 8 missing, 0 unexpected, 17 shape mismatches",
		"missing:    rnn.weight_ih_l2_reverse [20, 10]",
		"mismatch:   lstm.weight_hh_l1 -> rnn.weight_hh_l1: [16, 4] in the file, [20, 5] in the model",
		"mismatch:   fc1.weight: [6, 8] in the file, [6, 10] in the model",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error does not say %q:\n%s", want, msg)
		}
	}
	after := values(t, params)
	for name, v := range before {
		if !slices.Equal(v, after[name]) {
			t.Errorf("a failed strict load changed %s", name)
		}
	}

	// Lenient: the matching tensors load, the rest is reported.
	r, err = Load(params, sd, Options{})
	if err != nil || len(r.Loaded) != 4 || r.Complete() {
		t.Fatalf("lenient: %v\n%s", err, r)
	}
	after = values(t, params)
	if !slices.Equal(after["embedding.weight"], sd.Get("embedding.weight").Values) || !slices.Equal(after["fc2.bias"], sd.Get("fc2.bias").Values) {
		t.Error("lenient load did not copy the matching tensors")
	}
	if !slices.Equal(after["rnn.weight_ih_l0"], before["rnn.weight_ih_l0"]) {
		t.Error("lenient load changed a mismatched tensor")
	}
}

func TestUnexpected(t *testing.T) {
	f := fix(t)
	sd := readTorch(t, "classifier_lstm.pt")
	cfg := classifierConfig(f, f.Classifiers[0])
	cfg.Layers = 1
	m := newClassifier(t, cfg)
	params, _ := ModelParams(m)
	r, err := Load(params, sd, Options{Strict: true})
	if err == nil || len(r.Unexpected) != 8 || !strings.Contains(err.Error(), "unexpected: lstm.bias_hh_l1_reverse [16]") {
		t.Fatalf("%v\n%s", err, r)
	}
	// Without renames, lstm.* is unexpected and rnn.* missing.
	cfg.Layers = 2
	m = newClassifier(t, cfg)
	params, _ = ModelParams(m)
	r, _ = Load(params, sd, Options{Renames: []Rename{}})
	if len(r.Missing) != 16 || len(r.Unexpected) != 16 || len(r.Loaded) != 5 {
		t.Errorf("without renames:\n%s", r)
	}
}

// A checkpoint {"model": ..., "epoch": 3, "optimizer": ...}: the model's
// tensors load with Prefix; without it the optimizer's moments are
// unexpected.
func TestCheckpoint(t *testing.T) {
	f := fix(t)
	sd := readTorch(t, "checkpoint.pt")
	c := f.Classifiers[1] // gru
	m := newClassifier(t, classifierConfig(f, c))
	params, _ := ModelParams(m)
	_, err := Load(params, sd, Options{Strict: true})
	if err == nil || !strings.Contains(err.Error(), "unexpected: optimizer.state.0.exp_avg [12, 5]") {
		t.Fatalf("strict without prefix: %v", err)
	}
	r, err := Load(params, sd, Options{Strict: true, Prefix: "model."})
	if err != nil {
		t.Fatal(err)
	}
	if d := maxDiff(logits(t, m, f), c.Logits.float32s()); d > 1e-5 {
		t.Errorf("logits differ by %g\n%s", d, r)
	}
}

// A language model with tied weights: the file's encoder.weight and
// decoder.weight share one storage and fill one tensor.
func TestTiedLM(t *testing.T) {
	f := fix(t)
	sd := readTorch(t, "lm_tied.pt")
	if !slices.Equal(sd.Names(), f.LM.Keys) {
		t.Fatalf("names %v, want %v", sd.Names(), f.LM.Keys)
	}
	cfg := lstm.Config{Vocab: f.LM.V, Embed: f.LM.E, Hidden: f.LM.E, Layers: 1, Cell: lstm.Cell(f.LM.Cell), Tie: true}
	m, err := lstm.NewLM(cfg, torch.CPU)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Params.Drop()
	params, _ := ModelParams(m)
	names := make([]string, len(params))
	for i, p := range params {
		names[i] = p.Name
	}
	if !slices.Equal(names, f.LM.Keys) {
		t.Fatalf("ModelParams names %v, want PyTorch's %v", names, f.LM.Keys)
	}
	if _, err := Load(params, sd, Options{Strict: true}); err != nil {
		t.Fatal(err)
	}
	got := lmLogits(t, m, f.LM.IDs)
	if d := maxDiff(got, f.LM.Logits.float32s()); d > 1e-5 {
		t.Errorf("logits differ by %g", d)
	}
	// A file without decoder.weight (as safetensors' save_model writes
	// tied weights) still loads strictly: the tensor came by its other name.
	sd.Tensors = slices.DeleteFunc(sd.Tensors, func(t Tensor) bool { return t.Name == "decoder.weight" })
	if r, err := Load(params, sd, Options{Strict: true}); err != nil {
		t.Errorf("without decoder.weight: %v\n%s", err, r)
	}
}

func lmLogits(t *testing.T, m *lstm.LM, ids fixTensor) []float32 {
	t.Helper()
	x, err := torch.FromInt64s(ids.int64s(), torch.CPU, ids.Shape...)
	if err != nil {
		t.Fatal(err)
	}
	defer torch.Free(x)
	var out []float32
	err = torch.NoGrad(func() error {
		y, state, err := m.Forward(x, lstm.State{}, false)
		if err != nil {
			return err
		}
		defer state.Drop()
		defer torch.Free(y)
		out, err = torch.Float32s(y)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// torchrnn -> StateDict -> torchrnn is exact, renames or not.
func TestRoundTripParams(t *testing.T) {
	f := fix(t)
	cfg := classifierConfig(f, f.Classifiers[2])
	a, b := newClassifier(t, cfg), newClassifier(t, cfg)
	pa, _ := ModelParams(a)
	pb, _ := ModelParams(b)
	sd, err := FromParams(pa)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Load(pb, sd, Options{Strict: true}); err != nil {
		t.Fatal(err)
	}
	va, vb := values(t, pa), values(t, pb)
	for name := range va {
		if !slices.Equal(va[name], vb[name]) {
			t.Errorf("%s differs after the round trip", name)
		}
	}
}

func TestCandidates(t *testing.T) {
	got := candidates("module.lstm.weight_ih_l0", []Rename{{"module.", ""}, {"lstm.", "rnn."}})
	want := []string{"module.lstm.weight_ih_l0", "lstm.weight_ih_l0", "rnn.weight_ih_l0"}
	if !slices.Equal(got, want) {
		t.Errorf("candidates %v, want %v", got, want)
	}
	r, err := ParseRenames("lstm.=rnn., module.=")
	if err != nil || !slices.Equal(r, []Rename{{"lstm.", "rnn."}, {"module.", ""}}) {
		t.Errorf("ParseRenames: %v %v", r, err)
	}
	if _, err := ParseRenames("lstm.rnn."); err == nil {
		t.Error("a rename without = parsed")
	}
	if _, err := ModelParams(42); err == nil {
		t.Error("ModelParams(42) gave no error")
	}
}
