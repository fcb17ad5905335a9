package lstm

import (
	"fmt"
	"math"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
	"github.com/torchrnn/torchrnn/internal/tensor"
)

// Attention is how a query scores the keys it attends over.
type Attention string

const (
	// Additive is Bahdanau's: score(q, k) = vᵀ tanh(W_q q + W_k k).
	Additive Attention = "additive"
	// General is Luong's: score(q, k) = qᵀ W_a k.
	General Attention = "general"
	// Dot is Luong's: score(q, k) = qᵀ k (the query and key sizes must match).
	Dot Attention = "dot"
)

// ParseAttention returns the attention named s (additive, general or dot).
func ParseAttention(s string) (Attention, error) {
	if a := Attention(s); a.valid() {
		return a, nil
	}
	return "", fmt.Errorf("lstm: unknown attention %q: want additive, general or dot", s)
}

func (a Attention) valid() bool { return a == Additive || a == General || a == Dot }

// Attend scores queries against keys, softmaxes the scores over the real
// (unpadded) keys and returns the weighted sum of the keys:
//
//	a[b, t, s] = softmax_s(score(q[b, t], k[b, s]))   (0 where s is padding)
//	context[b, t] = Σ_s a[b, t, s] k[b, s]
//
// Names under prefix: additive has w_q.*, w_k.*, v; general has w_a.*; dot
// has none.
type Attend struct {
	Kind     Attention
	Wq, Wk   *Linear    // additive: query and key projections to the attention size
	V        *ts.Tensor // additive: [A]
	Wa       *Linear    // general: keys [K] -> [Q]
	Query    int64      // query size
	KeySize  int64      // key size
	AttnSize int64      // additive's hidden size
}

// NewAttend adds an attention of kind over queries of size q and keys of
// size k to p under prefix (e.g. "attention."). Additive attention has
// hidden size a (ignored otherwise). The parameters belong to p.
func NewAttend(p *Params, prefix string, kind Attention, q, k, a int64) (m *Attend, err error) {
	if _, err := ParseAttention(string(kind)); err != nil {
		return nil, err
	}
	if q < 1 || k < 1 || (kind == Additive && a < 1) {
		return nil, fmt.Errorf("lstm: new attention: bad sizes (query %d, key %d, hidden %d)", q, k, a)
	}
	if kind == Dot && q != k {
		return nil, fmt.Errorf("lstm: dot attention needs the query size (%d) equal to the key size (%d)", q, k)
	}
	defer tensor.Catch(&err, "lstm: new attention")
	return newAttend(p, prefix, kind, q, k, a), nil
}

func newAttend(p *Params, prefix string, kind Attention, q, k, a int64) *Attend {
	m := &Attend{Kind: kind, Query: q, KeySize: k, AttnSize: a}
	switch kind {
	case Additive:
		m.Wq = newLinear(p, prefix+"w_q", q, a)
		m.Wk = newLinear(p, prefix+"w_k", k, a)
		m.V = p.uniform(prefix+"v", []int64{a}, invSqrt(a))
	case General:
		m.Wa = newLinear(p, prefix+"w_a", k, q)
	}
	return m
}

// Memory is what a batch of queries attends over: the keys (also the
// values), their projection for the score, and the padding mask. Make it
// once per source batch with Attend.Memory; decoding steps reuse it.
type Memory struct {
	Keys *ts.Tensor // [B, S, K]
	proj *ts.Tensor // [B, S, A] (additive), [B, S, Q] (general), Keys (dot)
	mask *ts.Tensor // [B, 1, S]: 0 at real keys, -Inf at padding
}

// Memory prepares keys [B, S, K] with their lengths [B] (each 1..S; nil:
// all S) for attention. The caller frees it with Drop; keys stay the
// caller's and must outlive it.
func (m *Attend) Memory(keys *ts.Tensor, lengths []int64) (mem Memory, err error) {
	defer tensor.Catch(&err, "lstm: attention memory")
	shape := tensor.Val(keys.Size())
	if len(shape) != 3 || shape[2] != m.KeySize {
		tensor.Fail("keys of shape %v, want [B, S, %d]", shape, m.KeySize)
	}
	B, S := shape[0], shape[1]
	if lengths == nil {
		lengths = make([]int64, B)
		for i := range lengths {
			lengths[i] = S
		}
	}
	checkLengths(lengths, B, S)
	mask := stepMask(lengths, S, 0, float32(math.Inf(-1)))
	mem.Keys = keys
	mem.mask = tensor.Must(tensor.Float32(mask, []int64{B, 1, S}, keys.MustDevice()))
	switch m.Kind {
	case Additive:
		mem.proj = tensor.Must(m.Wk.Forward(keys)) // [B, S, K] -> [B, S, A]
	case General:
		mem.proj = tensor.Must(m.Wa.Forward(keys)) // [B, S, K] -> [B, S, Q]
	}
	return mem, nil
}

// Drop frees what Memory made (not the keys).
func (mem Memory) Drop() {
	for _, t := range []*ts.Tensor{mem.proj, mem.mask} {
		if t != nil {
			t.MustDrop()
		}
	}
}

// Select returns the memory of the batch rows idx [N] (int64), in that
// order: beam search repeats and reorders rows with it. The caller frees
// the new memory, whose keys it owns too (drop them with DropAll).
func (mem Memory) Select(idx *ts.Tensor) (out Memory, err error) {
	defer tensor.Catch(&err, "lstm: attention memory select")
	out.Keys = tensor.Must(mem.Keys.IndexSelect(0, idx, false))
	out.mask = tensor.Must(mem.mask.IndexSelect(0, idx, false))
	if mem.proj != nil {
		out.proj = tensor.Must(mem.proj.IndexSelect(0, idx, false))
	}
	return out, nil
}

// DropAll frees the memory and its keys.
func (mem Memory) DropAll() {
	mem.Drop()
	if mem.Keys != nil {
		mem.Keys.MustDrop()
	}
}

// Forward attends queries q [B, T, Q] over mem:
//
//	-> context [B, T, K], weights [B, T, S] (rows sum to 1, 0 at padding)
//
// The caller frees both; q and mem stay the caller's.
func (m *Attend) Forward(q *ts.Tensor, mem Memory) (context, weights *ts.Tensor, err error) {
	defer tensor.Catch(&err, "lstm: attention")
	var s tensor.Scope
	defer s.Free()
	scores := s.T(m.scores(q, mem))                              // [B, T, S]
	scores = s.M(scores.Add(mem.mask, false))                    // -Inf at padding
	weights = tensor.Must(scores.Softmax(2, gotch.Float, false)) // [B, T, S]
	context = tensor.Must(weights.Bmm(mem.Keys, false))          // [B, T, S] x [B, S, K] -> [B, T, K]
	return context, weights, nil
}

// scores is score(q, k) for every query and key: [B, T, S].
func (m *Attend) scores(q *ts.Tensor, mem Memory) *ts.Tensor {
	var s tensor.Scope
	defer s.Free()
	if m.Kind != Additive {
		proj := mem.Keys
		if m.Kind == General {
			proj = mem.proj
		}
		kt := s.M(proj.Transpose(1, 2, false)) // [B, S, Q] -> [B, Q, S]
		return tensor.Must(q.Bmm(kt, false))   // [B, T, Q] x [B, Q, S] -> [B, T, S]
	}
	wq := s.M(m.Wq.Forward(q))             // [B, T, Q] -> [B, T, A]
	a := s.M(wq.Unsqueeze(2, false))       // [B, T, 1, A]
	b := s.M(mem.proj.Unsqueeze(1, false)) // [B, 1, S, A]
	h := s.M(a.Add(b, false))              // [B, T, S, A]
	h = s.M(h.Tanh(false))
	return tensor.Must(h.Matmul(m.V, false)) // [B, T, S, A] x [A] -> [B, T, S]
}
