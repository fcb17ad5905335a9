// Command imdbbatch ports the seed's IMDB pipeline notebook up to the first
// batch: read the reviews, tokenize, build the vocabulary, encode, batch
// by length, pad, and run one batch through a bidirectional LSTM
// classifier to a loss.
//
//	go run ./examples/imdbbatch
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/torchrnn/torchrnn/imdb"
	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/seq"
	"github.com/torchrnn/torchrnn/torch"
	"github.com/torchrnn/torchrnn/vocab"
)

func main() {
	torch.LockThread()
	if _, err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "imdbbatch:", err)
		os.Exit(1)
	}
}

// result is what the batch gave.
type result struct {
	ids, logits []int64 // shapes
	loss        float64
}

func run(out io.Writer) (res result, err error) {
	torch.Seed(0)
	train, _, err := imdb.Sample() // the built-in 2,500 + 1,000 reviews
	if err != nil {
		return res, err
	}
	docs := vocab.TokenizeAll(train.Texts(), vocab.IMDB)
	v := vocab.New(vocab.CountTokens(docs), vocab.Options{MinFreq: 2})
	encoded := v.EncodeAll(docs)
	fmt.Fprintf(out, "%d reviews, vocabulary %d, first review %d tokens\n", len(docs), v.Len(), len(encoded[0]))

	lengths := make([]int, len(encoded))
	for i, e := range encoded {
		lengths[i] = len(e)
	}
	sampler, err := seq.NewSampler(lengths, seq.Options{Batch: 32, Shuffle: true, Bucket: true, Seed: 1})
	if err != nil {
		return res, err
	}
	first := sampler.Epoch(1)[0]
	batch, labels := make([][]int64, len(first)), make([]int64, len(first))
	for i, j := range first {
		batch[i], labels[i] = encoded[j], int64(train.Examples[j].Label)
	}
	pad := seq.Padding{MaxLen: 400, Truncate: seq.KeepTail}
	ids, lens, T, err := pad.Pad(batch)
	if err != nil {
		return res, err
	}
	x, err := torch.FromInt64s(ids, torch.CPU, int64(len(batch)), int64(T)) // [B, T]
	if err != nil {
		return res, err
	}
	y, err := torch.FromInt64s(labels, torch.CPU) // [B]
	if err != nil {
		return res, err
	}
	defer torch.Free(x, y)

	model, err := lstm.NewClassifier(lstm.Config{
		Vocab: v.Len(), Embed: 64, Hidden: 96, Bidirectional: true, Pooling: lstm.Max, Dropout: 0.3,
	}, torch.CPU)
	if err != nil {
		return res, err
	}
	defer model.Params.Drop()
	logits, err := model.Forward(x, lens, true) // [B, 1]: two classes, one logit
	if err != nil {
		return res, err
	}
	defer torch.Free(logits)
	loss, err := torch.BCEWithLogits(logits, y)
	if err != nil {
		return res, err
	}
	defer torch.Free(loss)
	res.ids, _ = torch.Shape(x)
	res.logits, _ = torch.Shape(logits)
	res.loss, err = torch.Item(loss)
	fmt.Fprintf(out, "batch ids %v, lengths %d..%d, logits %v, loss %.4f\n", res.ids, lens[len(lens)-1], lens[0], res.logits, res.loss)
	return res, err
}
