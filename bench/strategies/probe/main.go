package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"strings"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
	"github.com/torchrnn/torchrnn/internal/libtorch"
	"github.com/torchrnn/torchrnn/internal/tensor"
	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/optim"
)

func rss() string {
	st, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(st), "\n") {
		if strings.HasPrefix(l, "VmRSS") {
			return strings.TrimSpace(strings.TrimPrefix(l, "VmRSS:"))
		}
	}
	return "?"
}

func main() {
	runtime.LockOSThread()
	libtorch.SetThreads(1)
	mode := os.Args[1]
	strategy := lstm.Strategy(os.Args[2])
	rng := rand.New(rand.NewPCG(1, 2))
	m, _ := lstm.NewClassifier(lstm.Config{Vocab: 5000}, gotch.CPU)
	m.RNN.Strategy = strategy
	var ps []optim.Param
	for _, q := range m.Params.List() {
		ps = append(ps, optim.Param{Name: q.Name, Tensor: q.Tensor})
	}
	o, _ := optim.New(ps, optim.Config{LR: 1e-3})
	B := 32
	for step := 1; step <= 60; step++ {
		T := 20 + rng.IntN(380)
		if os.Getenv("FIXT") != "" {
			T = 200
		}
		lens := make([]int64, B)
		flat := make([]int64, B*T)
		for i := range lens {
			lens[i] = int64(T - rng.IntN(T/2))
			if os.Getenv("EQUAL") != "" {
				lens[i] = int64(T)
			}
			for j := 0; j < T; j++ {
				flat[i*T+j] = 1 + rng.Int64N(4999)
			}
		}
		ids, _ := tensor.Int64(flat, []int64{int64(B), int64(T)}, gotch.CPU)
		labels, _ := tensor.Int64(make([]int64, B), []int64{int64(B)}, gotch.CPU)
		logits, err := m.Forward(ids, lens, true)
		if err != nil {
			panic(err)
		}
		loss, _ := m.Loss(logits, labels)
		if mode != "fwd" {
			o.ZeroGrad()
			loss.MustBackward()
			if os.Getenv("CLIP") != "" {
				optim.ClipGradNorm(ps, 5)
			}
			if mode == "step" {
				o.Step()
			}
		}
		loss.MustDrop()
		logits.MustDrop()
		ids.MustDrop()
		labels.MustDrop()
		if step%10 == 0 {
			runtime.GC()
			fmt.Printf("%s %s step %d rss %s live %d\n", mode, strategy, step, rss(), len(ts.ExistingTensors))
		}
	}
}
