package decode

import (
	"fmt"
	"slices"

	"github.com/torchrnn/torchrnn/internal/tensor"
	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/torch"
)

// Seq2Seq is an lstm.Seq2Seq as a Model, over the memory of one encoded
// batch. Close frees what Expand made; the memory given stays the caller's.
type Seq2Seq struct {
	M        *lstm.Seq2Seq
	mem      lstm.Memory
	expanded bool
}

var _ Model[lstm.DecoderState] = (*Seq2Seq)(nil)

// NewSeq2Seq binds m to the memory of one encoded batch (lstm's Encode).
func NewSeq2Seq(m *lstm.Seq2Seq, mem lstm.Memory) *Seq2Seq { return &Seq2Seq{M: m, mem: mem} }

// Step is lstm.Seq2Seq.Step over the bound memory.
func (a *Seq2Seq) Step(tokens *torch.Tensor, st lstm.DecoderState) (logp, attention *torch.Tensor, next lstm.DecoderState, err error) {
	return a.M.Step(tokens, st, a.mem)
}

// Expand repeats each row k times, the memory's too.
func (a *Seq2Seq) Expand(st lstm.DecoderState, k int) (out lstm.DecoderState, err error) {
	defer tensor.Catch(&err, "decode: expand")
	B := tensor.Val(st.H.Size())[1]
	idx := make([]int64, 0, B*int64(k))
	for b := range B {
		for range k {
			idx = append(idx, b)
		}
	}
	t := tensor.Must(tensor.Int64(idx, []int64{int64(len(idx))}, a.M.Params.Device))
	defer t.MustDrop()
	mem := tensor.Val(a.mem.Select(t))
	a.Close()
	a.mem, a.expanded = mem, true
	return tensor.Val(st.Select(t)), nil
}

// Reorder selects the state's rows; the memory's rows stay (beam search
// moves rows within a source's copies only).
func (a *Seq2Seq) Reorder(st lstm.DecoderState, idx *torch.Tensor) (lstm.DecoderState, error) {
	return st.Select(idx)
}

// Drop frees a state.
func (a *Seq2Seq) Drop(st lstm.DecoderState) { st.Drop() }

// Close frees the expanded memory, if any.
func (a *Seq2Seq) Close() {
	if a.expanded {
		a.mem.DropAll()
		a.expanded = false
	}
}

// Translate decodes a batch of source id sequences (each non-empty) with m:
// greedy for beam 1 (or less), else beam search of that width. opt.MaxLen
// may be nil: then each source's length times 2 plus 10. Call it with
// gradients off, on a locked thread.
func Translate(m *lstm.Seq2Seq, src [][]int64, beam int, opt Options) (hyps []Hypothesis, err error) {
	defer tensor.Catch(&err, "decode: translate")
	var s tensor.Scope
	defer s.Free()
	B := len(src)
	lengths := make([]int64, B)
	T := 0
	for i, x := range src {
		lengths[i] = int64(len(x))
		T = max(T, len(x))
	}
	ids := make([]int64, B*T) // padding id 0
	for i, x := range src {
		copy(ids[i*T:], x)
	}
	x := s.M(tensor.Int64(ids, []int64{int64(B), int64(T)}, m.Params.Device))
	mem, st, err := m.Encode(x, lengths, false)
	tensor.Check(err)
	defer mem.DropAll()
	defer st.Drop()
	if opt.MaxLen == nil {
		opt.MaxLen = MaxLen(lengths, 2, 10)
	}
	opt.Device = m.Params.Device
	a := NewSeq2Seq(m, mem)
	defer a.Close()
	if beam <= 1 {
		hyps = tensor.Val(Greedy(a, st, B, opt))
	} else {
		hyps = tensor.Val(Beam(a, st, B, beam, opt))
	}
	for i := range hyps { // attention over each source's own tokens, not the batch's padding
		for j, row := range hyps[i].Attention {
			hyps[i].Attention[j] = row[:lengths[i]]
		}
	}
	return hyps, nil
}

// Batch is how many sentences TranslateAll decodes at once.
const Batch = 64

// TranslateAll translates every sentence of src (each non-empty) with
// Translate, in batches of Batch sentences of similar length (longest
// first), and returns the hypotheses in src's order. The batches depend
// on src alone, so the same sentences give the same translations whoever
// calls it.
func TranslateAll(m *lstm.Seq2Seq, src [][]int64, beam int, opt Options) ([]Hypothesis, error) {
	for i, s := range src {
		if len(s) == 0 {
			return nil, fmt.Errorf("decode: source %d is empty", i+1)
		}
	}
	order := make([]int, len(src))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return len(src[b]) - len(src[a]) })
	out := make([]Hypothesis, len(src))
	for start := 0; start < len(order); start += Batch {
		idx := order[start:min(start+Batch, len(order))]
		batch := make([][]int64, len(idx))
		for i, j := range idx {
			batch[i] = src[j]
		}
		o := opt
		if opt.MaxLen != nil {
			o.MaxLen = make([]int, len(idx))
			for i, j := range idx {
				o.MaxLen[i] = opt.MaxLen[j]
			}
		}
		hyps, err := Translate(m, batch, beam, o)
		if err != nil {
			return nil, err
		}
		for i, j := range idx {
			out[j] = hyps[i]
		}
	}
	return out, nil
}
