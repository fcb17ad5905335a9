package weights

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/torch"
)

// Python wrote the LSTM classifier's state_dict as safetensors: it holds
// the .pt file's tensors and loads strictly to PyTorch's logits.
func TestSafetensorsFromPython(t *testing.T) {
	f := fix(t)
	c := f.Classifiers[0]
	sd, err := ReadFile(filepath.Join("testdata", "classifier_lstm.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	pt := readTorch(t, "classifier_lstm.pt")
	if len(sd.Tensors) != len(pt.Tensors) || sd.Metadata["format"] != "pt" {
		t.Fatalf("%d tensors, metadata %v", len(sd.Tensors), sd.Metadata)
	}
	for _, want := range pt.Tensors {
		got := sd.Get(want.Name)
		if got == nil || !slices.Equal(got.Shape, want.Shape) || !slices.Equal(got.Values, want.Values) {
			t.Errorf("%s differs from the .pt file's", want.Name)
		}
	}
	m := newClassifier(t, classifierConfig(f, c))
	params, _ := ModelParams(m)
	if _, err := Load(params, sd, Options{Strict: true}); err != nil {
		t.Fatal(err)
	}
	if d := maxDiff(logits(t, m, f), c.Logits.float32s()); d > 1e-5 {
		t.Errorf("logits differ from PyTorch's by %g", d)
	}
}

// torchrnn -> .safetensors -> torchrnn is exact, for a tied language
// model too; the file holds PyTorch's state_dict keys.
func TestSafetensorsRoundTrip(t *testing.T) {
	f := fix(t)
	dir := t.TempDir()
	cfg := classifierConfig(f, f.Classifiers[1])
	a, b := newClassifier(t, cfg), newClassifier(t, cfg)
	pa, _ := ModelParams(a)
	pb, _ := ModelParams(b)
	path := filepath.Join(dir, "m.safetensors")
	if err := SaveSafetensors(path, pa, map[string]string{"torchrnn_task": "classify"}); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFile(path, pb, Options{Strict: true}); err != nil {
		t.Fatal(err)
	}
	va, vb := values(t, pa), values(t, pb)
	for name := range va {
		if !slices.Equal(va[name], vb[name]) {
			t.Errorf("%s differs after the round trip", name)
		}
	}
	sd, _ := ReadFile(path)
	if sd.Metadata["format"] != "pt" || sd.Metadata["torchrnn_task"] != "classify" {
		t.Errorf("metadata %v", sd.Metadata)
	}

	lm, err := lstm.NewLM(lstm.Config{Vocab: 9, Embed: 4, Hidden: 4, Cell: lstm.GRU, Tie: true}, torch.CPU)
	if err != nil {
		t.Fatal(err)
	}
	defer lm.Params.Drop()
	pl, _ := ModelParams(lm)
	if err := SaveSafetensors(path, pl, nil); err != nil {
		t.Fatal(err)
	}
	sd, _ = ReadFile(path)
	names := sd.Names()
	slices.Sort(names)
	want := []string{"decoder.bias", "decoder.weight", "encoder.weight", "rnn.bias_hh_l0", "rnn.bias_ih_l0", "rnn.weight_hh_l0", "rnn.weight_ih_l0"}
	if !slices.Equal(names, want) || !slices.Equal(sd.Get("decoder.weight").Values, sd.Get("encoder.weight").Values) {
		t.Errorf("tied export: %v", names)
	}
}

func TestSafetensorsErrors(t *testing.T) {
	good := encodeSafetensors(t, &StateDict{Tensors: []Tensor{{Name: "w", DType: F32, Shape: []int64{2}, Values: []float32{1, 2}}}})
	header := func(h string) []byte {
		b := binary.LittleEndian.AppendUint64(nil, uint64(len(h)))
		return append(b, h...)
	}
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"short", good[:len(good)-1], "metadata incomplete buffer"},
		{"bad JSON", header("{nope"), "invalid header"},
		{"offsets", append(header(`{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}`), 0, 0, 0, 0), "offset"},
		{"dtype", append(header(`{"w":{"dtype":"U16","shape":[1],"data_offsets":[0,2]}}`), 0, 0), "element type U16"},
		{"huge header", binary.LittleEndian.AppendUint64(nil, 1<<40), "header too large"},
	}
	for _, c := range cases {
		_, err := ReadSafetensors(c.data)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
	path := filepath.Join(t.TempDir(), "x")
	os.WriteFile(path, []byte("hello, world"), 0o644)
	if _, err := ReadFile(path); err == nil || !strings.Contains(err.Error(), "neither a torch.save file") {
		t.Errorf("a text file: %v", err)
	}
}

func encodeSafetensors(t testing.TB, sd *StateDict) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteSafetensors(&buf, sd); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// PyTorch loads torchrnn's exports with load_state_dict(strict=True) into
// nn.Embedding, nn.LSTM/GRU/RNN and nn.Linear modules and computes the
// same logits: bidirectional 2-layer classifiers of each cell, and a tied
// language model.
func TestPyTorchLoadsExport(t *testing.T) {
	python := "/usr/bin/python3"
	if out, err := exec.Command(python, "-c", "import torch").CombinedOutput(); err != nil {
		t.Skipf("skipped: %s cannot import torch (install Debian's python3-torch): %v %s", python, err, bytes.TrimSpace(out))
	}
	f := fix(t)
	dir := t.TempDir()
	type tensorJSON struct {
		Shape []int64   `json:"shape"`
		Data  []float32 `json:"data"`
	}
	type caseJSON struct {
		File    string      `json:"file"`
		Kind    string      `json:"kind"`
		Model   lstm.Config `json:"model"`
		IDs     fixTensor   `json:"ids"`
		Lengths []int64     `json:"lengths"`
		Logits  tensorJSON  `json:"logits"`
	}
	var cases []caseJSON
	for _, c := range f.Classifiers {
		m := newClassifier(t, classifierConfig(f, c)) // torchrnn's own init: nothing from PyTorch
		params, _ := ModelParams(m)
		file := "classifier_" + c.Cell + ".safetensors"
		if err := SaveSafetensors(filepath.Join(dir, file), params, nil); err != nil {
			t.Fatal(err)
		}
		out, B := logits(t, m, f), int64(len(f.Lengths))
		cases = append(cases, caseJSON{File: file, Kind: "classify", Model: m.Config, IDs: f.IDs, Lengths: f.Lengths,
			Logits: tensorJSON{Shape: []int64{B, int64(len(out)) / B}, Data: out}})
	}
	lm, err := lstm.NewLM(lstm.Config{Vocab: f.LM.V, Embed: f.LM.E, Hidden: f.LM.E, Layers: 2, Cell: lstm.LSTM, Tie: true}, torch.CPU)
	if err != nil {
		t.Fatal(err)
	}
	defer lm.Params.Drop()
	params, _ := ModelParams(lm)
	if err := SaveSafetensors(filepath.Join(dir, "lm.safetensors"), params, nil); err != nil {
		t.Fatal(err)
	}
	lmOut := lmLogits(t, lm, f.LM.IDs)
	cases = append(cases, caseJSON{File: "lm.safetensors", Kind: "lm", Model: lm.Config, IDs: f.LM.IDs,
		Logits: tensorJSON{Shape: []int64{f.LM.IDs.Shape[0], f.LM.IDs.Shape[1], int64(f.LM.V)}, Data: lmOut}})
	b, _ := json.Marshal(cases)
	if err := os.WriteFile(filepath.Join(dir, "cases.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(python, filepath.Join("testdata", "check_export.py"), dir).CombinedOutput()
	t.Logf("check_export.py:\n%s", out)
	if err != nil {
		t.Fatalf("PyTorch does not load torchrnn's export to the same logits: %v", err)
	}
}
