package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/sugarme/gotch"
	"github.com/torchrnn/torchrnn/imdb"
	"github.com/torchrnn/torchrnn/internal/libtorch"
	"github.com/torchrnn/torchrnn/internal/tensor"
	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/optim"
	"github.com/torchrnn/torchrnn/seq"
	"github.com/torchrnn/torchrnn/torch"
	"github.com/torchrnn/torchrnn/train"
	"github.com/torchrnn/torchrnn/vocab"
)

// classifyConfig is one classifier run. The defaults are the seed notebook's
// model and training: embedding 20, one LSTM layer of 64, fc 64, one logit
// with binary cross-entropy; batch 32, Adam 1e-3, no clipping, every token
// in the vocabulary, reviews not cut.
type classifyConfig struct {
	Data     string        // aclImdb folder or archive with train/ and test/
	Strategy lstm.Strategy // packed or padded
	Bucket   bool          // torchrnn's bucketed sampler instead of shuffled batches
	Threads  int           // libtorch threads
	Batch    int
	Batches  int // train on the epoch's first Batches batches; 0: all
	LR       float64
	Seed     int64 // initial weights and batch order
	Model    lstm.Config
}

func defaultClassify() classifyConfig {
	return classifyConfig{
		Data:     filepath.Join("..", "shared", "data", "imdb", "aclImdb_v1.tar.xz"),
		Strategy: lstm.Packed, Threads: 1, Batch: 32, LR: 1e-3, Seed: 1,
		Model: lstm.Config{Embed: 20, Hidden: 64, Layers: 1, Cell: lstm.LSTM, Pooling: lstm.Last, Head: 64, Classes: 2},
	}
}

func (c *classifyConfig) registerFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.Data, "data", c.Data, "aclImdb folder or archive holding train/ and test/ (relative to the repository root)")
	fs.Func("strategy", "packed or padded (default "+string(c.Strategy)+")", func(s string) error {
		if s != string(lstm.Packed) && s != string(lstm.Padded) {
			return fmt.Errorf("want packed or padded")
		}
		c.Strategy = lstm.Strategy(s)
		return nil
	})
	fs.BoolVar(&c.Bucket, "bucket", c.Bucket, "batch reviews of similar lengths (torchrnn's sampler) instead of shuffled batches")
	fs.IntVar(&c.Threads, "threads", c.Threads, "libtorch threads")
	fs.IntVar(&c.Batch, "batch", c.Batch, "reviews per batch")
	fs.IntVar(&c.Batches, "batches", c.Batches, "train on the first N batches of the epoch; 0: all")
	fs.Float64Var(&c.LR, "lr", c.LR, "Adam learning rate")
	fs.Int64Var(&c.Seed, "seed", c.Seed, "seeds the initial weights and the batch order")
	fs.IntVar(&c.Model.Embed, "embed", c.Model.Embed, "embedding size")
	fs.IntVar(&c.Model.Hidden, "hidden", c.Model.Hidden, "LSTM hidden size")
	fs.IntVar(&c.Model.Head, "head", c.Model.Head, "size of the head's hidden layer (fc1)")
}

// reviews is a split as id sequences with their labels.
type reviews struct {
	ids    [][]int64
	labels []int64
}

// classify trains the classifier one epoch on the train split of -data and
// evaluates it on the test split.
func classify(args []string) (Result, error) {
	cfg := defaultClassify()
	fs := flag.NewFlagSet("training classify", flag.ContinueOnError)
	cfg.registerFlags(fs)
	if err := fs.Parse(args); err != nil {
		return Result{}, err
	}
	if cfg.Batch < 1 || cfg.Threads < 1 || cfg.Batches < 0 {
		return Result{}, fmt.Errorf("-batch and -threads must be positive, -batches not negative")
	}
	if _, warning := libtorch.CapThreads(cfg.Threads); warning != "" {
		fmt.Fprintf(os.Stderr, "warning: -threads: %s\n", warning)
	}
	libtorch.SetThreads(cfg.Threads)
	start := time.Now()
	trainSet, test, v, err := loadReviews(cfg.Data)
	if err != nil {
		return Result{}, err
	}
	r := Result{Strategy: string(cfg.Strategy), Bucket: cfg.Bucket, Threads: cfg.Threads,
		Examples: len(trainSet.ids), Vocab: v, LoadSec: time.Since(start).Seconds()}
	defer train.TrainingGC()() // as cmd/train's epochs run

	libtorch.Seed(cfg.Seed)
	cfg.Model.Vocab = v
	m, err := lstm.NewClassifier(cfg.Model, gotch.CPU)
	if err != nil {
		return r, err
	}
	m.RNN.Strategy = cfg.Strategy
	step, err := train.NewStepper(m.Params, optim.Config{LR: cfg.LR}, 0) // Adam, no clipping
	if err != nil {
		return r, err
	}
	run := &classifierRun{model: m, step: step}

	trainBatches, err := trainOrder(trainSet, cfg)
	if err != nil {
		return r, err
	}
	evalBatches, err := evalOrder(test, cfg)
	if err != nil {
		return r, err
	}
	tr, err := run.pass(trainSet, trainBatches, true)
	if err != nil {
		return r, err
	}
	va, err := run.pass(test, evalBatches, false)
	if err != nil {
		return r, err
	}
	r.Batches, r.Tokens, r.TrainSec, r.TrainCPU = tr.batches, tr.tokens, tr.seconds, tr.cpu
	r.TokensPerS, r.TrainLoss, r.TrainAcc = float64(tr.tokens)/tr.seconds, tr.loss, tr.acc
	r.FwdBwdTokensPerS = float64(tr.tokens) / tr.fwdBwd
	r.EvalSec, r.EvalExamples, r.EvalTokens = va.seconds, int(va.examples), va.tokens
	r.EvalLoss, r.EvalAcc = va.loss, va.acc
	return r, nil
}

// loadReviews reads both splits, builds the vocabulary of the training
// reviews as the seed does (every token; <pad> 0, <unk> 1, then by count)
// and encodes both splits with it.
func loadReviews(path string) (train, test reviews, vocabLen int, err error) {
	trainSet, err := imdb.Read(path, imdb.Train)
	if err != nil {
		return train, test, 0, fmt.Errorf("-data: %w", err)
	}
	testSet, err := imdb.Read(path, imdb.Test)
	if err != nil {
		return train, test, 0, fmt.Errorf("-data: %w", err)
	}
	docs := vocab.TokenizeAll(trainSet.Texts(), vocab.IMDB)
	v := vocab.New(vocab.CountTokens(docs), vocab.Options{})
	encode := func(d *imdb.Dataset, docs [][]string) reviews {
		r := reviews{ids: v.EncodeAll(docs), labels: make([]int64, d.Len())}
		for i, label := range d.LabelIDs() {
			r.labels[i] = int64(label)
		}
		return r
	}
	train = encode(trainSet, docs)
	test = encode(testSet, vocab.TokenizeAll(testSet.Texts(), vocab.IMDB))
	return train, test, v.Len(), nil
}

// classifierRun trains and evaluates one model.
type classifierRun struct {
	model *lstm.Classifier
	step  *train.Stepper
}

// pass runs the batches of order over data, training or evaluating. The
// loss is the mean over reviews.
func (c *classifierRun) pass(data reviews, order [][]int, training bool) (phase, error) {
	var p phase
	var correct int64
	clock := startClock()
	for _, idx := range order {
		loss, ok, tokens, fb, err := c.batch(data, idx, training)
		if err != nil {
			return p, err
		}
		p.fwdBwd += fb
		p.batches++
		p.examples += int64(len(idx))
		p.tokens += tokens
		p.loss += loss * float64(len(idx))
		correct += ok
	}
	clock.stop(&p)
	p.loss /= float64(max(p.examples, 1))
	p.acc = float64(correct) / float64(max(p.examples, 1))
	return p, nil
}

// batch collates one batch (pad, make the tensors) and runs it: forward
// and loss, and when training the trainer's step (backward, Adam). It
// returns the mean loss, the number of right predictions, the real tokens
// and the seconds from the forward pass's start to the backward pass's end.
func (c *classifierRun) batch(data reviews, idx []int, training bool) (loss float64, correct, tokens int64, fwdBwd float64, err error) {
	defer tensor.Catch(&err, "batch")
	var s tensor.Scope
	defer s.Free()
	seqs, labels := make([][]int64, len(idx)), make([]int64, len(idx))
	for i, j := range idx {
		seqs[i], labels[i] = data.ids[j], data.labels[j]
	}
	flat, lens, T, err := seq.Pad(seqs, 0, seq.KeepTail, vocab.PadID)
	tensor.Check(err)
	for _, l := range lens {
		tokens += l
	}
	B := int64(len(idx))
	run := func() {
		ids := s.M(tensor.Int64(flat, []int64{B, int64(T)}, gotch.CPU))
		y := s.M(tensor.Int64(labels, []int64{B}, gotch.CPU))
		start := time.Now()
		logits := s.M(c.model.Forward(ids, lens, training)) // [B, T] -> [B, 1]
		l := s.M(c.model.Loss(logits, y))
		if training {
			tensor.Check(c.step.Backward(l))
		}
		fwdBwd = time.Since(start).Seconds()
		if training {
			loss, _, err = c.step.Update(l)
			tensor.Check(err)
		} else {
			loss = tensor.Val(l.Float64Value([]int64{}))
		}
		correct, _, err = torch.Accuracy(logits, y, torch.NoIgnore)
		tensor.Check(err)
	}
	if training {
		run()
	} else {
		tensor.NoGrad(run)
	}
	return loss, correct, tokens, fwdBwd, nil
}
