package weights

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// A PyTorch classifier's state_dict, its recurrent module named lstm, gru
// or recurrent, loads strictly into torchrnn's classifier (rnn.*) through
// the renames and gives PyTorch's logits.
func TestTorchClassifiersMatchPyTorch(t *testing.T) {
	f := fix(t)
	for _, c := range f.Classifiers {
		t.Run(c.Cell, func(t *testing.T) {
			sd := readTorch(t, "classifier_"+c.Cell+".pt")
			if got := sd.Names(); !slices.Equal(got, c.Keys) {
				t.Fatalf("names\n got %v\nwant %v", got, c.Keys)
			}
			m := newClassifier(t, classifierConfig(f, c))
			params, _ := ModelParams(m)
			renames := append([]Rename{{"recurrent.", "rnn."}}, CommonRenames...)
			r, err := Load(params, sd, Options{Strict: true, Renames: renames})
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Loaded) != len(params) || len(r.Renamed) != 4*2*f.Layers {
				t.Errorf("report: %s", r)
			}
			if !strings.Contains(r.String(), "renamed:    "+c.RNNName+".weight_ih_l0 -> rnn.weight_ih_l0") {
				t.Errorf("report does not show the rename:\n%s", r)
			}
			d := maxDiff(logits(t, m, f), c.Logits.float32s())
			t.Logf("%s: max |logit - PyTorch's| = %.2g", c.Cell, d)
			if d > 1e-5 {
				t.Errorf("logits differ from PyTorch's by %g", d)
			}
		})
	}
}

// Views with offsets and strides, every element type, nested containers,
// and pickle protocols 4 and 5 read as PyTorch wrote them.
func TestTorchMisc(t *testing.T) {
	f := fix(t)
	sd := readTorch(t, "misc.pt")
	dtypes := map[string]DType{"transposed": F32, "row": F32, "f64": F64, "f16": F16, "bf16": BF16, "i64": I64, "bool": Bool, "nested.list.0": F32}
	for name, want := range f.Misc {
		got := sd.Get(name)
		if got == nil {
			t.Errorf("%s missing; have %v", name, sd.Names())
			continue
		}
		if !slices.Equal(got.Shape, want.Shape) || !slices.Equal(got.Values, want.float32s()) {
			t.Errorf("%s: %v %v, want %v %v", name, got.Shape, got.Values, want.Shape, want.float32s())
		}
		if d, ok := dtypes[name]; ok && got.DType != d {
			t.Errorf("%s: dtype %s, want %s", name, got.DType, d)
		}
	}
	if len(sd.Tensors) != len(f.Misc) || len(sd.Skipped) != 0 {
		t.Errorf("%d tensors %v, skipped %v; want %d", len(sd.Tensors), sd.Names(), sd.Skipped, len(f.Misc))
	}
	want := make([]float32, 12)
	for i := range want {
		want[i] = float32(i) / 8
	}
	for _, name := range []string{"protocol4.pt", "protocol5.pt"} {
		w := readTorch(t, name).Get("w")
		if w == nil || !slices.Equal(w.Shape, []int64{2, 6}) || !slices.Equal(w.Values, want) {
			t.Errorf("%s: %+v", name, w)
		}
	}
}

func TestTorchErrors(t *testing.T) {
	legacy, _ := os.ReadFile(filepath.Join("testdata", "legacy.pt"))
	good, _ := os.ReadFile(filepath.Join("testdata", "lm_tied.pt"))
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"legacy", legacy, "legacy format"},
		{"not a zip", []byte("hello"), "not a torch.save zip archive"},
		{"cut short", good[:len(good)/2], "not a torch.save zip archive"},
		{"TorchScript", zipOf(t, map[string]string{"m/data.pkl": "\x80\x02}.", "m/constants.pkl": ""}), "a TorchScript archive"},
		{"no data.pkl", zipOf(t, map[string]string{"m/version": "3"}), "without data.pkl"},
		{"a tensor alone", zipOf(t, map[string]string{"m/data.pkl": "\x80\x02" + tensorPickle("0", 2, "(K\x02t", "(K\x01t") + ".", "m/data/0": "\x00\x00\x80\x3f\x00\x00\x00\x40"}), "holds a tensor, not a dict"},
		{"storage short", zipOf(t, map[string]string{"m/data.pkl": dictOf(tensorPickle("0", 3, "(K\x03t", "(K\x01t")), "m/data/0": "\x00\x00\x80\x3f"}), "3 F32 elements need 12 bytes, the record has 4"},
		{"view outside", zipOf(t, map[string]string{"m/data.pkl": dictOf(tensorPickle("0", 1, "(K\x02t", "(K\x01t")), "m/data/0": "\x00\x00\x80\x3f"}), "reaches element 1 of a storage of 1"},
		{"no record", zipOf(t, map[string]string{"m/data.pkl": dictOf(tensorPickle("7", 1, "(K\x01t", "(K\x01t"))}), "no record m/data/7"},
		{"unsupported opcode", zipOf(t, map[string]string{"m/data.pkl": "\x80\x02I1\n."}), "opcode 0x49"},
		{"no STOP", zipOf(t, map[string]string{"m/data.pkl": "\x80\x02}"}), "without STOP"},
		{"a model object", zipOf(t, map[string]string{"m/data.pkl": "\x80\x02c__main__\nNet\nq\x00)\x81q\x01."}), "pickled __main__.Net"},
	}
	for _, c := range cases {
		_, err := ReadTorch(bytes.NewReader(c.data), int64(len(c.data)))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
}

// zipOf makes a zip archive of stored records.
func zipOf(t testing.TB, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		f, err := w.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte(files[n]))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// tensorPickle is the pickle of one float tensor over storage key with
// numel elements, size and stride given as pickled tuples (MARK ... TUPLE).
func tensorPickle(key string, numel byte, size, stride string) string {
	return "ctorch._utils\n_rebuild_tensor_v2\n(" +
		"(X\x07\x00\x00\x00storagectorch\nFloatStorage\nX" + string([]byte{byte(len(key)), 0, 0, 0}) + key +
		"X\x03\x00\x00\x00cpuK" + string([]byte{numel}) + "tQ" +
		"K\x00" + size + stride + "\x89ccollections\nOrderedDict\n)RtR"
}

// dictOf wraps a pickled value as {"w": value} in a complete program.
func dictOf(value string) string {
	return "\x80\x02}X\x01\x00\x00\x00w" + value + "s."
}
