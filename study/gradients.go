package study

import (
	"github.com/sugarme/gotch/ts"
	"github.com/torchrnn/torchrnn/internal/tensor"
	"github.com/torchrnn/torchrnn/optim"
	"github.com/torchrnn/torchrnn/train"
)

// Norms are the gradient norms of the mean loss over one batch.
type Norms struct {
	Loss   Num `json:"loss"`
	Input0 Num `json:"input0"` // ‖∂L/∂x[:, 0, :]‖₂, the first step of every sequence of the batch
	Last   Num `json:"last"`   // ‖∂L/∂x[:, T-1, :]‖₂, the last step: the scale Input0 starts from
	WHH    Num `json:"whh"`    // ‖∂L/∂W_hh‖₂ (rnn.weight_hh_l0, all gates)
	Reach  Num `json:"reach"`  // Input0 / Last: the share of the gradient that reaches back T-1 steps
}

// Gradients runs the batch x [B, T, 1], y [B] forward and backward and
// measures how much of the loss's gradient reaches the first input step
// and the recurrent weights:
//
//	∂L/∂x₀ = ∂L/∂h_{T-1} · ∏_{t=T-1..1} ∂h_t/∂h_{t-1} · ∂h_0/∂x₀
//
// The product of T-1 Jacobians is what vanishes (or explodes) with T. The
// parameters' gradients are cleared first and left holding this batch's.
func (m *Model) Gradients(x []float32, y []int64, T int) (n Norms, err error) {
	defer tensor.Catch(&err, "study: gradients")
	var s tensor.Scope
	defer s.Free()
	st := tensor.Val(train.NewStepper(m.Params, optim.Config{}, 0))
	xt := s.M(input(x, len(y), T, m.Params.Device, true))
	logits := s.M(m.Forward(xt))
	loss := s.M(Loss(logits, y))
	tensor.Check(st.Backward(loss)) // clears the gradients first
	n.Loss = Num(tensor.Val(loss.Float64Value([]int64{})))
	gx := s.M(xt.Grad(false))                        // [B, T, 1]
	n.Input0 = norm(&s, s.M(gx.Select(1, 0, false))) // -> [B, 1]
	n.Last = norm(&s, s.M(gx.Select(1, int64(T-1), false)))
	n.Reach = n.Input0 / n.Last // NaN when both underflow
	n.WHH = norm(&s, s.M(m.Params.Get("rnn.weight_hh_l0").Grad(false)))
	return n, nil
}

// norm is the Frobenius norm of t as a float64.
func norm(s *tensor.Scope, t *ts.Tensor) Num {
	return Num(tensor.Val(s.M(t.Norm(false)).Float64Value([]int64{})))
}
