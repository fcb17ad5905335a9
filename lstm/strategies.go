package lstm

import (
	"slices"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
	"github.com/torchrnn/torchrnn/internal/tensor"
	"github.com/torchrnn/torchrnn/seq"
)

// packed runs the stack on the packed batch (libtorch's *_data ops); out is
// nil unless outputs.
func (r *RNN) packed(x *ts.Tensor, lengths []int64, h0 State, train, outputs bool) (*ts.Tensor, State) {
	var s tensor.Scope
	defer s.Free()
	p := tensor.Val(seq.Pack(x, lengths))
	defer p.Drop()
	h := s.T(tensor.Val(p.Sort(h0.H)))
	var c *ts.Tensor
	if h0.C != nil {
		c = s.T(tensor.Val(p.Sort(h0.C)))
	}
	data, hn, cn := r.runData(p.Data, p.BatchSizes, h, c, train)
	s.T(data)
	s.T(hn)
	var out *ts.Tensor
	if outputs {
		out = tensor.Val(p.Unpack(data))
	}
	final := State{H: tensor.Val(p.Restore(hn))}
	if cn != nil {
		s.T(cn)
		final.C = tensor.Val(p.Restore(cn))
	}
	return out, final
}

// paddedExact runs the stack layer by layer with the padded kernel and
// reads each sequence at its own length:
//
//	forward:  h_n = out[b, len_b-1]
//	reverse:  run on x reversed within each length, e.g. len 3 of T 5:
//	          x0 x1 x2 · ·  ->  x2 x1 x0 · ·  (pads stay last, so they never
//	          reach a real step), then reverse the outputs back; h_n is the
//	          reversed output at len_b-1.
//
// Steps past a length compute garbage that no real step sees. raw is the
// last layer's output with that garbage left in (the caller zeroes or drops
// it), or nil unless outputs.
//
// The kernel gives the state after step T alone, and an LSTM's c cannot be
// read from the outputs. With cellState, an LSTM runs each layer and
// direction in segments that end at the distinct lengths, carrying (h, c)
// from one to the next, and takes each sequence's c where its segment ends
// (the reverse pass too: its real steps also come first). Lengths 2 5 5 3
// of T 6:
//
//	t         0 1 | 2 | 3 4 | 5
//	c_n of    b0    b3  b1 b2   (none: the pads' segment)
//
// Without cellState the final C is nil.
func (r *RNN) paddedExact(x *ts.Tensor, lengths []int64, h0 State, train, outputs, cellState bool) (raw *ts.Tensor, final State) {
	var s tensor.Scope
	defer func() { s.Free(raw) }()
	T := tensor.Val(x.Size())[1]
	cellState = cellState && h0.C != nil
	ix := newIndexes(lengths, T, r.Dirs == 2, cellState, x.MustDevice())
	defer ix.drop()
	var hs, cs []*ts.Tensor
	input := x
	for l := int64(0); l < r.Layers; l++ {
		var outs []*ts.Tensor
		for d := int64(0); d < r.Dirs; d++ {
			k := l*r.Dirs + d
			h := s.M(h0.H.Narrow(0, k, 1, false))
			var c *ts.Tensor
			if h0.C != nil {
				c = s.M(h0.C.Narrow(0, k, 1, false))
			}
			in := input
			if d == 1 {
				in = s.T(ix.reverse(input))
			}
			w := r.weights[4*k : 4*k+4]
			var out *ts.Tensor
			if cellState {
				var cn *ts.Tensor
				out, cn = r.segments(in, h, c, w, ix, train)
				s.T(out)
				cs = append(cs, s.T(cn))
			} else {
				var hn, cn *ts.Tensor
				out, hn, cn = r.run(in, h, c, w, 1, false, train)
				s.T(out)
				s.T(hn)
				s.T(cn) // nil for GRU and RNN; held, it would keep the batch's graph alive
			}
			if d == 1 {
				out = s.T(ix.reverse(out))
				hs = append(hs, s.M(out.Select(1, 0, false))) // the reverse pass ends at t = 0
			} else {
				hs = append(hs, s.T(ix.last(out)))
			}
			outs = append(outs, out)
		}
		input = outs[0]
		if len(outs) == 2 {
			input = s.M(ts.Cat(outs, 2)) // [B, T, 2H]
		}
		if l < r.Layers-1 && r.Dropout > 0 && train {
			input = s.M(ts.Dropout(input, r.Dropout, true))
		}
	}
	if outputs {
		raw = input
	}
	final = State{H: tensor.Must(ts.Stack(hs, 0))}
	if cs != nil {
		final.C = tensor.Must(ts.Stack(cs, 0))
	}
	return raw, final
}

// segments runs one layer and direction of an LSTM over in [B, T, F] in
// ix's segments, carrying (h, c) [1, B, H] across, and returns the outputs
// [B, T, H] and each sequence's c after its last step [B, H].
func (r *RNN) segments(in, h, c *ts.Tensor, w []*ts.Tensor, ix *indexes, train bool) (out, cn *ts.Tensor) {
	var s tensor.Scope
	defer s.Free()
	outs := make([]*ts.Tensor, len(ix.ends))
	cs := make([]*ts.Tensor, len(ix.ends))
	start := int64(0)
	for i, end := range ix.ends {
		seg := s.M(in.Narrow(1, start, end-start, false)) // [B, end-start, F]
		o, hn, cn := r.run(seg, h, c, w, 1, false, train)
		outs[i], h, c, start = s.T(o), s.T(hn), s.T(cn), end
		cs[i] = s.M(cn.Select(0, 0, false)) // [1, B, H] -> [B, H]
	}
	all := s.M(ts.Cat(cs[:ix.reads], 0)) // the pads' segment, if any, ends no sequence: [reads*B, H]
	return tensor.Must(ts.Cat(outs, 1)), tensor.Must(all.IndexSelect(0, ix.cRow, false))
}

// indexes are the gathers of paddedExact for one batch's lengths.
type indexes struct {
	B, T    int64
	lastRow *ts.Tensor // [B]: b*T + len_b - 1
	revRow  *ts.Tensor // [B*T]: b*T + (len_b-1-t) for t < len_b, else b*T + t; nil unless reverse
	ends    []int64    // segments' ends: the distinct lengths ascending, then T if longer; nil unless segments
	reads   int        // how many segments end at a length
	cRow    *ts.Tensor // [B]: i*B + b where ends[i] = len_b; nil unless segments
}

func newIndexes(lengths []int64, T int64, reverse, segments bool, device gotch.Device) *indexes {
	B := int64(len(lengths))
	last := make([]int64, B)
	for b, l := range lengths {
		last[b] = int64(b)*T + l - 1
	}
	ix := &indexes{B: B, T: T, lastRow: tensor.Must(tensor.Int64(last, []int64{B}, device))}
	if reverse {
		rev := make([]int64, B*T)
		for b, l := range lengths {
			base := int64(b) * T
			for t := int64(0); t < T; t++ {
				rev[base+t] = base + t
				if t < l {
					rev[base+t] = base + l - 1 - t
				}
			}
		}
		ix.revRow = tensor.Must(tensor.Int64(rev, []int64{B * T}, device))
	}
	if segments {
		ix.ends = slices.Compact(slices.Sorted(slices.Values(lengths)))
		ix.reads = len(ix.ends)
		if ix.ends[ix.reads-1] < T {
			ix.ends = append(ix.ends, T)
		}
		rows := make([]int64, B)
		for b, l := range lengths {
			i, _ := slices.BinarySearch(ix.ends, l)
			rows[b] = int64(i)*B + int64(b)
		}
		ix.cRow = tensor.Must(tensor.Int64(rows, []int64{B}, device))
	}
	return ix
}

// last gathers each sequence's output at its last step: [B, T, F] -> [B, F].
func (ix *indexes) last(out *ts.Tensor) *ts.Tensor {
	flat := tensor.Must(out.Reshape([]int64{ix.B * ix.T, -1}, false))
	defer flat.MustDrop()
	return tensor.Must(flat.IndexSelect(0, ix.lastRow, false))
}

// reverse flips each sequence within its own length: [B, T, F] -> [B, T, F].
func (ix *indexes) reverse(x *ts.Tensor) *ts.Tensor {
	var s tensor.Scope
	defer s.Free()
	flat := s.M(x.Reshape([]int64{ix.B * ix.T, -1}, false))
	rows := s.M(flat.IndexSelect(0, ix.revRow, false))
	return tensor.Must(rows.View([]int64{ix.B, ix.T, -1}, false))
}

func (ix *indexes) drop() {
	for _, t := range []*ts.Tensor{ix.lastRow, ix.revRow, ix.cRow} {
		if t != nil {
			t.MustDrop()
		}
	}
}

// zeroPast zeroes raw [B, T, F] past each length: raw * mask [B, T, 1].
func zeroPast(raw *ts.Tensor, lengths []int64) *ts.Tensor {
	T := tensor.Val(raw.Size())[1]
	B := int64(len(lengths))
	m := stepMask(lengths, T, 1, 0)
	mask := tensor.Must(tensor.Float32(m, []int64{B, T, 1}, raw.MustDevice()))
	defer mask.MustDrop()
	return tensor.Must(raw.Mul(mask, false))
}

// stepMask is [B*T]: real at the steps t < len_b of each sequence b, pad
// past them.
func stepMask(lengths []int64, T int64, real, pad float32) []float32 {
	m := make([]float32, int64(len(lengths))*T)
	for b, l := range lengths {
		row := m[int64(b)*T : int64(b+1)*T]
		for t := range row {
			row[t] = pad
			if int64(t) < l {
				row[t] = real
			}
		}
	}
	return m
}
