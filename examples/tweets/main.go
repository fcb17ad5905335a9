// Command tweets ports the seed's tweet notebook: a 3-class sentiment RNN
// over tweets read from a TSV file (text<TAB>label), whitespace tokens,
// bucketed batches; then the checkpoint is saved and loaded into a new
// model, which must give the same outputs.
//
//	go run ./examples/tweets -data examples/tweets/testdata/tweets.tsv
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/torchrnn/torchrnn/imdb"
	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/optim"
	"github.com/torchrnn/torchrnn/seq"
	"github.com/torchrnn/torchrnn/torch"
	"github.com/torchrnn/torchrnn/vocab"
)

func main() {
	data := flag.String("data", "examples/tweets/testdata/tweets.tsv", "TSV of text<TAB>label rows")
	epochs := flag.Int("epochs", 15, "training epochs")
	flag.Parse()
	torch.LockThread()
	if _, err := run(*data, *epochs, os.TempDir(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "tweets:", err)
		os.Exit(1)
	}
}

// result is what a run measured.
type result struct {
	firstLoss, lastLoss float64 // mean training loss of the first and last epoch
	testAcc             float64
	sameOutputs         bool // the reloaded model's logits equal the trained one's
}

func run(path string, epochs int, dir string, out io.Writer) (res result, err error) {
	torch.Seed(1)
	ds, err := imdb.ReadTSV(path)
	if err != nil {
		return res, err
	}
	train, test, err := ds.SplitFraction(0.2, 1)
	if err != nil {
		return res, err
	}
	// Vocabulary from the training tweets; <pad> is id 0.
	v := vocab.Build(train.Texts(), vocab.Whitespace, vocab.Options{})
	xTrain, yTrain := encode(v, train)
	xTest, yTest := encode(v, test)

	cfg := lstm.Config{Vocab: v.Len(), Embed: 32, Hidden: 32, Cell: lstm.RNNTanh, Classes: len(ds.Labels)}
	model, err := lstm.NewClassifier(cfg, torch.CPU)
	if err != nil {
		return res, err
	}
	if err := fit(model, xTrain, yTrain, epochs, out, &res); err != nil {
		return res, err
	}
	before, err := logits(model, xTest)
	if err != nil {
		return res, err
	}
	res.testAcc = accuracy(before, yTest, cfg.Classes)
	fmt.Fprintf(out, "test accuracy %.1f%% (%d tweets)\n", 100*res.testAcc, len(yTest))

	// Save, load into a fresh model, compare.
	ckpt := filepath.Join(dir, "tweets.pt")
	if err := model.Params.Save(ckpt); err != nil {
		return res, err
	}
	again, err := lstm.NewClassifier(cfg, torch.CPU)
	if err != nil {
		return res, err
	}
	if err := again.Params.Load(ckpt); err != nil {
		return res, err
	}
	after, err := logits(again, xTest)
	if err != nil {
		return res, err
	}
	res.sameOutputs = slices.Equal(before, after)
	fmt.Fprintf(out, "reloaded from %s: same outputs: %v\n", ckpt, res.sameOutputs)
	return res, nil
}

// encode returns d's texts as ids of v and its labels.
func encode(v *vocab.Vocab, d *imdb.Dataset) ([][]int64, []int64) {
	ids := v.EncodeAll(vocab.TokenizeAll(d.Texts(), vocab.Whitespace))
	labels := make([]int64, d.Len())
	for i, e := range d.Examples {
		labels[i] = int64(e.Label)
	}
	return ids, labels
}

// fit trains model with Adam on the tweets xs, labelled ys, for epochs
// epochs of shuffled, bucketed batches of 16, and records the first and
// last epochs' mean losses in res.
func fit(model *lstm.Classifier, xs [][]int64, ys []int64, epochs int, out io.Writer, res *result) error {
	opt, err := optim.New(model.Params.List(), optim.Config{LR: 0.01})
	if err != nil {
		return err
	}
	lengths := make([]int, len(xs))
	for i, x := range xs {
		lengths[i] = len(x)
	}
	sampler, err := seq.NewSampler(lengths, seq.Options{Batch: 16, Shuffle: true, Bucket: true, Seed: 1})
	if err != nil {
		return err
	}
	for epoch := 1; epoch <= epochs; epoch++ {
		var sum float64
		batches := sampler.Epoch(epoch)
		for _, idx := range batches {
			loss, err := step(model, opt, pick(xs, idx), pick(ys, idx))
			if err != nil {
				return err
			}
			sum += loss
		}
		mean := sum / float64(len(batches))
		if epoch == 1 {
			res.firstLoss = mean
		}
		res.lastLoss = mean
		fmt.Fprintf(out, "epoch %2d  train loss %.4f\n", epoch, mean)
	}
	return nil
}

// step trains on one batch and returns its loss.
func step(model *lstm.Classifier, opt *optim.Optimizer, xs [][]int64, ys []int64) (float64, error) {
	ids, lengths, T, err := seq.Pad(xs, 0, seq.KeepHead, 0)
	if err != nil {
		return 0, err
	}
	x, err := torch.FromInt64s(ids, torch.CPU, int64(len(xs)), int64(T)) // [B, T]
	if err != nil {
		return 0, err
	}
	y, err := torch.FromInt64s(ys, torch.CPU) // [B]
	if err != nil {
		return 0, err
	}
	defer torch.Free(x, y)
	out, err := model.Forward(x, lengths, true) // [B, 3]
	if err != nil {
		return 0, err
	}
	loss, err := torch.CrossEntropy(out, y, torch.NoIgnore)
	torch.Free(out)
	if err != nil {
		return 0, err
	}
	defer torch.Free(loss)
	opt.ZeroGrad()
	if err := loss.Backward(); err != nil {
		return 0, torch.Err(err)
	}
	if err := opt.Step(); err != nil {
		return 0, err
	}
	return torch.Item(loss)
}

// logits runs the model over every text, in evaluation mode, without
// gradients: [N, C] flattened.
func logits(model *lstm.Classifier, xs [][]int64) (out []float32, err error) {
	err = torch.NoGrad(func() error {
		ids, lengths, T, err := seq.Pad(xs, 0, seq.KeepHead, 0)
		if err != nil {
			return err
		}
		x, err := torch.FromInt64s(ids, torch.CPU, int64(len(xs)), int64(T))
		if err != nil {
			return err
		}
		defer torch.Free(x)
		l, err := model.Forward(x, lengths, false)
		if err != nil {
			return err
		}
		defer torch.Free(l)
		out, err = torch.Float32s(l)
		return err
	})
	return out, err
}

func accuracy(logits []float32, labels []int64, C int) float64 {
	correct := 0
	for i, y := range labels {
		row := logits[i*C : (i+1)*C]
		if int64(slices.Index(row, slices.Max(row))) == y {
			correct++
		}
	}
	return float64(correct) / float64(len(labels))
}

func pick[E any](all []E, idx []int) []E {
	out := make([]E, len(idx))
	for i, j := range idx {
		out[i] = all[j]
	}
	return out
}
