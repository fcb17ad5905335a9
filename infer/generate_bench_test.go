package infer_test

import (
	"runtime"
	"testing"
	"time"

	"github.com/sugarme/gotch"
	"github.com/torchrnn/torchrnn/infer"
	"github.com/torchrnn/torchrnn/internal/libtorch"
	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/sample"
	"github.com/torchrnn/torchrnn/train"
	"github.com/torchrnn/torchrnn/vocab"
)

// BenchmarkGenerate measures sampling speed with the default char-level
// model (tiny shakespeare's 67 symbols), one stream, temperature 0.8.
func BenchmarkGenerate(b *testing.B) { benchmarkStreams(b, 1) }

// BenchmarkGenerate16 samples 16 streams as one batch; chars/s is per stream.
func BenchmarkGenerate16(b *testing.B) { benchmarkStreams(b, 16) }

func benchmarkStreams(b *testing.B, k int) {
	runtime.LockOSThread()
	libtorch.SetThreads(1)
	infer.SamplingGC() // as cmd/generate
	text := "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ .,;:!?'-&$3\n"
	v := vocab.New(vocab.CountTokens([][]string{vocab.Chars(text)}), vocab.Options{})
	model := train.DefaultModel("lm")
	model.Vocab = v.Len()
	m, err := lstm.NewLM(model, gotch.CPU)
	if err != nil {
		b.Fatal(err)
	}
	g := infer.NewGenerator(m, v, "char", gotch.CPU)
	prompt, _, err := g.Encode("ROMEO:")
	if err != nil {
		b.Fatal(err)
	}
	const n = 2000
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		err := g.GenerateStreams(prompt, n, k, sample.Options{Temperature: 0.8}, uint64(i), func(int, int64) error { return nil })
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/time.Since(start).Seconds(), "chars/s")
}
