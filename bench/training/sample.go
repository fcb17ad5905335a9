package main

import (
	"math/rand/v2"

	"github.com/sugarme/gotch"
	"github.com/torchrnn/torchrnn/internal/tensor"
	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/sample"
	"github.com/torchrnn/torchrnn/train"
	"github.com/torchrnn/torchrnn/vocab"
)

// generate feeds the prompt, then draws cfg.Sample characters one at a
// time from softmax(logits / temperature), feeding each back, as
// cmd/generate does (<pad> and <unk> never drawn; its garbage-collector
// setting).
func (m *lmRun) generate(prompt []int64, cfg lmConfig) (err error) {
	defer tensor.Catch(&err, "sample")
	train.SamplingGC()
	rng := rand.New(rand.NewPCG(uint64(cfg.Seed), 0))
	opt := sample.Options{Temperature: cfg.Temperature, Never: []int64{vocab.PadID, vocab.UnkID}}
	tensor.NoGrad(func() {
		x := tensor.Must(tensor.Int64(prompt, []int64{1, int64(len(prompt))}, gotch.CPU))
		all, state, err := m.model.Forward(x, lstm.State{}, false) // [1, P] -> [1, P, V]
		tensor.Check(err)
		x.MustDrop()
		logits := tensor.Must(all.Select(1, int64(len(prompt)-1), false)) // [1, V]
		all.MustDrop()
		for range cfg.Sample {
			id := tensor.Val(sample.Next(logits, opt, rng))
			logits.MustDrop()
			in := tensor.Must(tensor.Int64(id, []int64{1}, gotch.CPU))
			var next lstm.State
			logits, next, err = m.model.Step(in, state)
			tensor.Check(err)
			in.MustDrop()
			state.Drop()
			state = next
		}
		logits.MustDrop()
		state.Drop()
	})
	return nil
}
