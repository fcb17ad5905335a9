// Command padpack ports the seed's padding-and-packing notebook: three
// sequences of different lengths are padded into one batch, packed, run
// through an LSTM and unpacked; the result is compared with running the
// LSTM over the padded batch as if the padding were real input.
//
//	go run ./examples/padpack
package main

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"

	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/seq"
	"github.com/torchrnn/torchrnn/torch"
)

func main() {
	torch.LockThread()
	if _, err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "padpack:", err)
		os.Exit(1)
	}
}

const E, H = 4, 5 // feature and hidden sizes

// result holds the largest differences run saw.
type result struct {
	unpack       float64   // unpack(pack(x)) against x
	packedPadded float64   // packed LSTM against padded-with-lengths LSTM (outputs and final h)
	naive        []float64 // per sequence: final h ignoring lengths against the packed one
}

func run(out io.Writer) (res result, err error) {
	torch.Seed(0)
	lengths := []int64{2, 4, 3}
	x, err := paddedInput(lengths, 4)
	if err != nil {
		return res, err
	}
	defer torch.Free(x)
	if res.unpack, err = roundTrip(out, x, lengths); err != nil {
		return res, err
	}
	return res, threeWays(out, x, lengths, &res)
}

// paddedInput returns x [B, T, E]: random features, zero past each length
// (the padding). The caller frees x.
func paddedInput(lengths []int64, T int64) (*torch.Tensor, error) {
	rng := rand.New(rand.NewPCG(0, 0))
	B := int64(len(lengths))
	data := make([]float32, B*T*E)
	for b, l := range lengths {
		for i := int64(0); i < l*E; i++ {
			data[int64(b)*T*E+i] = float32(rng.NormFloat64())
		}
	}
	return torch.FromFloat32s(data, torch.CPU, B, T, E)
}

// roundTrip packs x (sorted longest first, time-major, only running
// sequences), unpacks it and returns the largest difference from x.
func roundTrip(out io.Writer, x *torch.Tensor, lengths []int64) (float64, error) {
	p, err := seq.Pack(x, lengths)
	if err != nil {
		return 0, err
	}
	defer p.Drop()
	sizes, _ := torch.Int64s(p.BatchSizes)
	fmt.Fprintf(out, "lengths %v -> order %v, batch sizes %v\n", lengths, p.Order, sizes)
	back, err := p.Unpack(p.Data)
	if err != nil {
		return 0, err
	}
	defer torch.Free(back)
	d, err := maxDiff(back, x)
	if err == nil {
		fmt.Fprintf(out, "unpack(pack(x)) vs x: max diff %g\n", d)
	}
	return d, err
}

// threeWays runs one LSTM on x packed, padded with the lengths, and padded
// without them (the padding read as input), and records in res how far
// apart they are.
func threeWays(out io.Writer, x *torch.Tensor, lengths []int64, res *result) error {
	params := lstm.NewParams(torch.CPU)
	defer params.Drop()
	rnn, err := lstm.NewRNN(params, "lstm.", lstm.LSTM, E, H, 1, false, 0)
	if err != nil {
		return err
	}
	outs := make([]*torch.Tensor, 3)
	finals := make([]lstm.State, 3)
	for i, way := range []struct {
		s       lstm.Strategy
		lengths []int64
	}{{lstm.Packed, lengths}, {lstm.Padded, lengths}, {lstm.Padded, nil}} {
		rnn.Strategy = way.s
		if outs[i], finals[i], err = rnn.Forward(x, way.lengths, lstm.State{}, false); err != nil {
			return err
		}
		defer finals[i].Drop()
		defer torch.Free(outs[i])
	}
	d1, err := maxDiff(outs[0], outs[1])
	if err != nil {
		return err
	}
	d2, err := maxDiff(finals[0].H, finals[1].H)
	if err != nil {
		return err
	}
	res.packedPadded = math.Max(d1, d2)
	fmt.Fprintf(out, "packed vs padded with lengths: max diff %g\n", res.packedPadded)

	exact, _ := torch.Float32s(finals[0].H) // [1, B, H]
	naive, _ := torch.Float32s(finals[2].H)
	for b, l := range lengths {
		var d float64
		for i := int64(b) * H; i < int64(b+1)*H; i++ {
			d = math.Max(d, math.Abs(float64(exact[i]-naive[i])))
		}
		res.naive = append(res.naive, d)
		fmt.Fprintf(out, "sequence %d (length %d): final h ignoring lengths is off by %.4f\n", b, l, d)
	}
	return nil
}

func maxDiff(a, b *torch.Tensor) (float64, error) {
	x, err := torch.Float32s(a)
	if err != nil {
		return 0, err
	}
	y, err := torch.Float32s(b)
	if err != nil {
		return 0, err
	}
	if len(x) != len(y) {
		return 0, fmt.Errorf("%d values against %d", len(x), len(y))
	}
	var d float64
	for i := range x {
		d = math.Max(d, math.Abs(float64(x[i]-y[i])))
	}
	return d, nil
}
