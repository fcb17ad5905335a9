package main

import (
	"github.com/sugarme/gotch"
	"github.com/torchrnn/torchrnn/infer"
	"github.com/torchrnn/torchrnn/sample"
	"github.com/torchrnn/torchrnn/vocab"
)

// generate feeds the prompt, then draws cfg.Sample characters one at a
// time from softmax(logits / temperature), feeding each back, in
// cfg.Streams streams as one batch, with cmd/generate's own code
// (infer.Generator: <pad> and <unk> never drawn) and garbage-collector
// setting.
func (m *lmRun) generate(prompt []int64, v *vocab.Vocab, cfg lmConfig) error {
	infer.SamplingGC()
	g := infer.NewGenerator(m.model, v, "char", gotch.CPU)
	opt := sample.Options{Temperature: cfg.Temperature}
	if cfg.Sample == 0 {
		return nil
	}
	return g.GenerateStreams(prompt, cfg.Sample, cfg.Streams, opt, uint64(cfg.Seed), func(int, int64) error { return nil })
}
