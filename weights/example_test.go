package weights_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/torch"
	"github.com/torchrnn/torchrnn/weights"
)

// A classifier exported to .safetensors and loaded into another one.
func Example() {
	torch.LockThread()
	cfg := lstm.Config{Vocab: 100, Embed: 8, Hidden: 16, Layers: 2, Bidirectional: true, Cell: lstm.GRU}
	a, _ := lstm.NewClassifier(cfg, torch.CPU)
	b, _ := lstm.NewClassifier(cfg, torch.CPU)
	defer a.Params.Drop()
	defer b.Params.Drop()

	dir, _ := os.MkdirTemp("", "weights")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "model.safetensors")
	pa, _ := weights.ModelParams(a)
	if err := weights.SaveSafetensors(path, pa, map[string]string{"note": "example"}); err != nil {
		fmt.Println(err)
		return
	}
	pb, _ := weights.ModelParams(b)
	report, err := weights.LoadFile(path, pb, weights.Options{Strict: true})
	fmt.Println(report, err)
	// Output: 21 loaded, 0 missing, 0 unexpected, 0 shape mismatches <nil>
}

// A PyTorch state_dict whose recurrent module is called "lstm" loads into
// torchrnn's "rnn" through the common renames; a model of another shape
// gets a report of every difference.
func ExampleLoad() {
	torch.LockThread()
	cfg := lstm.Config{Vocab: 50, Embed: 4, Hidden: 8}
	src, _ := lstm.NewClassifier(cfg, torch.CPU)
	defer src.Params.Drop()
	params, _ := weights.ModelParams(src)
	sd, _ := weights.FromParams(params)
	for i := range sd.Tensors { // as PyTorch code often names it
		sd.Tensors[i].Name = strings.Replace(sd.Tensors[i].Name, "rnn.", "lstm.", 1)
	}

	cfg.Hidden = 6
	dst, _ := lstm.NewClassifier(cfg, torch.CPU)
	defer dst.Params.Drop()
	params, _ = weights.ModelParams(dst)
	report, err := weights.Load(params, sd, weights.Options{}) // lenient
	fmt.Println(err)
	fmt.Println(report)
	// Output:
	// <nil>
	// 4 loaded, 0 missing, 0 unexpected, 5 shape mismatches
	//   mismatch:   lstm.weight_ih_l0 -> rnn.weight_ih_l0: [32, 4] in the file, [24, 4] in the model
	//   mismatch:   lstm.weight_hh_l0 -> rnn.weight_hh_l0: [32, 8] in the file, [24, 6] in the model
	//   mismatch:   lstm.bias_ih_l0 -> rnn.bias_ih_l0: [32] in the file, [24] in the model
	//   mismatch:   lstm.bias_hh_l0 -> rnn.bias_hh_l0: [32] in the file, [24] in the model
	//   mismatch:   fc1.weight: [64, 8] in the file, [64, 6] in the model
}
