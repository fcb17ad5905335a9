package lstm

import (
	"slices"
	"strings"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
	"github.com/torchrnn/torchrnn/internal/tensor"
	"github.com/torchrnn/torchrnn/optim"
)

// embeddingGrad looks up ids [1, n], backpropagates sum(out * 1..) and
// returns the output [n*E] and the weight's gradient (nil when it has none).
func embeddingGrad(t *testing.T, e *Embedding, ids []int64) (out, g []float32) {
	t.Helper()
	x, err := tensor.Int64(ids, []int64{1, int64(len(ids))}, gotch.CPU)
	if err != nil {
		t.Fatal(err)
	}
	y, err := e.Forward(x)
	if err != nil {
		t.Fatal(err)
	}
	if out, err = tensor.Float32s(y); err != nil {
		t.Fatal(err)
	}
	if !y.MustRequiresGrad() {
		return out, nil
	}
	w := ts.MustArangeStart(ts.IntScalar(1), ts.IntScalar(int64(len(out))+1), gotch.Float, gotch.CPU).MustView(y.MustSize(), true)
	loss := y.MustMul(w, false).MustSum(gotch.Float, true)
	if err := loss.Backward(); err != nil {
		t.Fatal(err)
	}
	gt := grad(t, e.Weight)
	if !gt.MustDefined() {
		return out, nil
	}
	if g, err = tensor.Float32s(gt); err != nil {
		t.Fatal(err)
	}
	return out, g
}

func TestNewEmbedding(t *testing.T) {
	lockThread(t)
	const V, E, pad = 4, 3, 2
	vectors := [][]float32{{1, 2, 3}, {4, 5, 6}, {7, 8, 9}, {10, 11, 12}}
	for _, frozen := range []bool{false, true} {
		p := NewParams(gotch.CPU)
		e, err := NewEmbedding(p, "emb", V, E, pad, EmbeddingOptions{Vectors: vectors, Frozen: frozen})
		if err != nil {
			t.Fatal(err)
		}
		if got := p.Names(); !slices.Equal(got, []string{"emb.weight"}) {
			t.Errorf("parameters %v, want [emb.weight]", got)
		}
		out, g := embeddingGrad(t, e, []int64{3, pad, 0})
		want := []float32{10, 11, 12, 0, 0, 0, 1, 2, 3} // the padding row zeroed over the vectors
		if !slices.Equal(out, want) {
			t.Errorf("frozen=%v: output %v, want %v", frozen, out, want)
		}
		if frozen {
			if g != nil || e.Weight.MustRequiresGrad() {
				t.Errorf("frozen: gradient %v, requires grad %v", g, e.Weight.MustRequiresGrad())
			}
			continue
		}
		// d/dW of sum(out * [1..9]): row 3 gets 1 2 3, row 0 gets 7 8 9, the padding row nothing.
		if want := []float32{7, 8, 9, 0, 0, 0, 0, 0, 0, 1, 2, 3}; !slices.Equal(g, want) {
			t.Errorf("gradient %v, want %v", g, want)
		}
	}
	// Drawn from N(0, 1): the padding row alone is zero.
	e, err := NewEmbedding(NewParams(gotch.CPU), "emb", V, E, 0, EmbeddingOptions{})
	if err != nil {
		t.Fatal(err)
	}
	w, _ := tensor.Float32s(e.Weight)
	for i, v := range w {
		if (v == 0) != (i < E) {
			t.Errorf("weight[%d][%d] = %g", i/E, i%E, v)
		}
	}
	for _, tc := range []struct {
		vocab, dim, pad int64
		vectors         [][]float32
		want            string
	}{
		{V, E, V, nil, "padding id 4"},
		{V, E, -2, nil, "padding id -2"},
		{0, E, -1, nil, "size 0x3"},
		{V, E, 0, vectors[:3], "3 vectors for a vocabulary of 4"},
		{V, E, 0, [][]float32{{1, 2, 3}, {4, 5, 6}, {7, 8}, {10, 11, 12}}, "vector 2 has 2 values, want 3"},
	} {
		_, err := NewEmbedding(NewParams(gotch.CPU), "emb", tc.vocab, tc.dim, tc.pad, EmbeddingOptions{Vectors: tc.vectors})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("NewEmbedding(%d, %d, pad %d): error %v, want %q", tc.vocab, tc.dim, tc.pad, err, tc.want)
		}
	}
}

// TestFrozenEmbeddingStaysPut trains a frozen embedding with a linear layer
// on top: the optimizer changes the layer and leaves the embedding alone.
func TestFrozenEmbeddingStaysPut(t *testing.T) {
	lockThread(t)
	p := NewParams(gotch.CPU)
	e, err := NewEmbedding(p, "emb", 5, 3, 0, EmbeddingOptions{Frozen: true})
	if err != nil {
		t.Fatal(err)
	}
	l, err := NewLinear(p, "fc", 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	w0, _ := tensor.Float32s(e.Weight)
	l0, _ := tensor.Float32s(l.W)
	var params []optim.Param
	for _, q := range p.List() {
		params = append(params, optim.Param{Name: q.Name, Tensor: q.Tensor})
	}
	o, err := optim.New(params, optim.Config{LR: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	ids := ts.MustOfSlice([]int64{1, 2, 0, 4}).MustView([]int64{2, 2}, true)
	for range 3 {
		o.ZeroGrad()
		x, err := e.Forward(ids)
		if err != nil {
			t.Fatal(err)
		}
		y, err := l.Forward(x)
		if err != nil {
			t.Fatal(err)
		}
		if err := y.MustSum(gotch.Float, true).Backward(); err != nil {
			t.Fatal(err)
		}
		if err := o.Step(); err != nil {
			t.Fatal(err)
		}
	}
	w1, _ := tensor.Float32s(e.Weight)
	l1, _ := tensor.Float32s(l.W)
	if !slices.Equal(w0, w1) {
		t.Errorf("frozen embedding changed: %v -> %v", w0, w1)
	}
	if slices.Equal(l0, l1) {
		t.Error("the linear layer did not change: no training happened")
	}
}

// TestHandBuiltEmbedding checks what the doc says of an Embedding built as
// a struct: the padding row is used as Weight holds it and gets no gradient.
func TestHandBuiltEmbedding(t *testing.T) {
	lockThread(t)
	w := ts.MustOfSlice([]float32{1, 1, 2, 2, 3, 3}).MustView([]int64{3, 2}, true).MustSetRequiresGrad(true, true)
	e := &Embedding{Weight: w, PadID: 0}
	out, g := embeddingGrad(t, e, []int64{0, 2})
	if want := []float32{1, 1, 3, 3}; !slices.Equal(out, want) {
		t.Errorf("output %v, want %v", out, want)
	}
	if want := []float32{0, 0, 0, 0, 3, 4}; !slices.Equal(g, want) {
		t.Errorf("gradient %v, want %v (none for the padding row)", g, want)
	}
}
