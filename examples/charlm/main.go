// Command charlm ports the seed's character language-model notebook: an
// LSTM trained on tiny shakespeare with truncated backpropagation through
// time, then sampled one character at a time, carrying the state.
//
//	go run ./examples/charlm -steps 300 -n 300
package main

import (
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"

	"github.com/torchrnn/torchrnn/corpus"
	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/optim"
	"github.com/torchrnn/torchrnn/sample"
	"github.com/torchrnn/torchrnn/seq"
	"github.com/torchrnn/torchrnn/torch"
	"github.com/torchrnn/torchrnn/vocab"
)

func main() {
	steps := flag.Int("steps", 300, "training windows")
	n := flag.Int("n", 300, "characters to sample")
	flag.Parse()
	torch.LockThread()
	text, err := run(*steps, *n, io.Writer(os.Stdout))
	if err != nil {
		fmt.Fprintln(os.Stderr, "charlm:", err)
		os.Exit(1)
	}
	fmt.Println(text)
}

const (
	batch, bptt = 32, 64
	prompt      = "ROMEO:"
)

// losses is filled by run: the mean loss of the first and last ten windows.
var losses [2]float64

func run(steps, n int, log io.Writer) (string, error) {
	torch.Seed(1)
	text, err := corpus.TinyShakespeare()
	if err != nil {
		return "", err
	}
	v := vocab.Build([]string{text}, vocab.Chars, vocab.Options{})
	data, N, err := seq.Batchify(v.Encode(vocab.Chars(text)), batch) // [B, N]
	if err != nil {
		return "", err
	}
	model, err := lstm.NewLM(lstm.Config{Vocab: v.Len(), Embed: 32, Hidden: 128}, torch.CPU)
	if err != nil {
		return "", err
	}
	opt, err := optim.New(model.Params.List(), optim.Config{LR: 3e-3})
	if err != nil {
		return "", err
	}
	var state lstm.State // zero value: zeros
	w := seq.NewWindows(data, batch, N, bptt)
	for i := 0; i < steps && w.Next(); i++ {
		x, y, L := w.Window() // [B, L] each
		loss, next, err := step(model, opt, x, y, L, state)
		state.Drop()
		if err != nil {
			return "", err
		}
		state = next
		switch {
		case i < 10:
			losses[0] += loss / 10
		case i >= steps-10:
			losses[1] += loss / 10
		}
		if i%50 == 0 {
			fmt.Fprintf(log, "step %4d  loss %.4f\n", i, loss)
		}
	}
	state.Drop()
	if err := w.Err(); err != nil {
		return "", err
	}
	return generate(model, v, n)
}

// step trains on one window and returns its loss and the state to carry,
// cut from the graph (truncated BPTT).
func step(model *lstm.LM, opt *optim.Optimizer, x, y []int64, L int, state lstm.State) (float64, lstm.State, error) {
	X, err := torch.FromInt64s(x, torch.CPU, batch, int64(L))
	if err != nil {
		return 0, lstm.State{}, err
	}
	Y, err := torch.FromInt64s(y, torch.CPU, batch, int64(L))
	if err != nil {
		return 0, lstm.State{}, err
	}
	defer torch.Free(X, Y)
	logits, next, err := model.Forward(X, state, true) // [B, L, V]
	if err != nil {
		return 0, lstm.State{}, err
	}
	defer next.Drop()
	loss, err := torch.CrossEntropy(logits, Y, torch.NoIgnore)
	torch.Free(logits)
	if err != nil {
		return 0, lstm.State{}, err
	}
	defer torch.Free(loss)
	opt.ZeroGrad()
	if err := loss.Backward(); err != nil {
		return 0, lstm.State{}, torch.Err(err)
	}
	if _, err := optim.ClipGradNorm(model.Params.List(), 0.25); err != nil {
		return 0, lstm.State{}, err
	}
	if err := opt.Step(); err != nil {
		return 0, lstm.State{}, err
	}
	detached, err := next.Detach()
	if err != nil {
		return 0, lstm.State{}, err
	}
	value, err := torch.Item(loss)
	return value, detached, err
}

// generate feeds the prompt, then samples n characters, one step at a time.
func generate(model *lstm.LM, v *vocab.Vocab, n int) (string, error) {
	rng := rand.New(rand.NewPCG(1, 2))
	opts := sample.Options{Temperature: 0.8, Never: []int64{0, 1}} // never <pad> or <unk>
	var out strings.Builder
	out.WriteString(prompt)
	err := torch.NoGrad(func() error {
		var state lstm.State
		defer func() { state.Drop() }()
		ids := v.Encode(vocab.Chars(prompt))
		var logits *torch.Tensor
		for i := 0; i < len(ids)+n; i++ {
			id := ids[min(i, len(ids)-1)]
			if i >= len(ids) { // past the prompt: draw the next character
				next, err := sample.Next(logits, opts, rng)
				if err != nil {
					return err
				}
				id = next[0]
				out.WriteString(v.Token(id))
			}
			torch.Free(logits)
			x, err := torch.FromInt64s([]int64{id}, torch.CPU) // [1]
			if err != nil {
				return err
			}
			l, next, err := model.Step(x, state) // [1, V]
			torch.Free(x)
			if err != nil {
				return err
			}
			state.Drop()
			logits, state = l, next
		}
		torch.Free(logits)
		return nil
	})
	return out.String(), err
}
