package torch

import (
	"fmt"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
	"github.com/torchrnn/torchrnn/internal/tensor"
)

// NoIgnore is the ignore index that matches no class (PyTorch's default,
// -100): every target counts.
const NoIgnore int64 = -100

// CrossEntropy is the mean cross-entropy of logits against class ids, as
// torch.nn.functional.cross_entropy, over every position whose target is
// not ignoreIndex (the padding id of a tagger or language model; NoIgnore
// for none):
//
//	logits [N, C], targets [N]  or  logits [B, T, C], targets [B, T]
//
// The caller owns the scalar result.
func CrossEntropy(logits, targets *Tensor, ignoreIndex int64) (loss *Tensor, err error) {
	defer tensor.Catch(&err, "torch: cross entropy")
	var s tensor.Scope
	defer s.Free()
	shape := tensor.Val(logits.Size())
	tshape := tensor.Val(targets.Size())
	if len(shape) < 2 || len(tshape) != len(shape)-1 || !prefix(tshape, shape) {
		tensor.Fail("logits %v and targets %v: want [..., C] and [...]", shape, tshape)
	}
	C := shape[len(shape)-1]
	flat := s.M(logits.Reshape([]int64{-1, C}, false)) // [..., C] -> [N, C]
	y := s.M(targets.Reshape([]int64{-1}, false))      // [...] -> [N]
	if y.DType() != gotch.Int64 {
		y = s.M(y.Totype(gotch.Int64, false))
	}
	return tensor.Must(flat.CrossEntropyLoss(y, ts.None, 1, ignoreIndex, 0, false)), nil
}

// BCEWithLogits is the mean binary cross-entropy of one logit per example
// against labels 0 or 1 (any numeric type), as
// torch.nn.functional.binary_cross_entropy_with_logits:
//
//	logits [N] or [N, 1], labels [N]
//
// The caller owns the scalar result.
func BCEWithLogits(logits, labels *Tensor) (loss *Tensor, err error) {
	defer tensor.Catch(&err, "torch: binary cross entropy")
	var s tensor.Scope
	defer s.Free()
	x := s.M(logits.Reshape([]int64{-1}, false))
	y := s.M(labels.Reshape([]int64{-1}, false))
	if nx, ny := x.Numel(), y.Numel(); nx != ny {
		tensor.Fail("%d logits for %d labels", nx, ny)
	}
	if y.DType() != gotch.Float {
		y = s.M(y.Totype(gotch.Float, false))
	}
	return tensor.Must(x.BinaryCrossEntropyWithLogits(y, ts.None, ts.None, 1, false)), nil
}

// Argmax returns the index of the largest value along dim, dim removed:
// logits [B, C] with dim -1 -> class ids [B] int64. The caller owns the
// result.
func Argmax(t *Tensor, dim int64) (*Tensor, error) {
	a, err := t.Argmax([]int64{dim}, false, false)
	if err != nil {
		return nil, fmt.Errorf("torch: argmax: %w", Err(err))
	}
	return a, nil
}

// Accuracy counts the predictions that match labels among the positions
// whose label is not ignoreIndex (NoIgnore for all). Predictions are the
// argmax of logits [..., C] for C > 1, or logit > 0 for one logit per
// example ([N] or [N, 1] against labels [N]). It returns the counts, so
// batches add up: accuracy = correct / total.
func Accuracy(logits, labels *Tensor, ignoreIndex int64) (correct, total int64, err error) {
	defer tensor.Catch(&err, "torch: accuracy")
	x := tensor.Val(Float32s(logits))
	y := tensor.Val(Int64s(labels))
	if len(y) == 0 {
		return 0, 0, nil
	}
	C := len(x) / len(y)
	if C*len(y) != len(x) {
		tensor.Fail("%d logits for %d labels", len(x), len(y))
	}
	for i, label := range y {
		if label == ignoreIndex {
			continue
		}
		total++
		if predicted(x[i*C:(i+1)*C]) == label {
			correct++
		}
	}
	return correct, total, nil
}

// Correct is Accuracy's count of right predictions left on the logits'
// device: an int64 scalar tensor, not read back, so a training step on
// CUDA need not wait for the GPU to count (Accuracy copies the logits to
// the host). Predictions and ignoreIndex are as Accuracy's; the caller
// owns the result.
func Correct(logits, labels *Tensor, ignoreIndex int64) (correct *Tensor, err error) {
	defer tensor.Catch(&err, "torch: correct")
	var s tensor.Scope
	defer s.Free()
	y := s.M(labels.Reshape([]int64{-1}, false))
	n := y.Numel()
	if n == 0 {
		return tensor.Must(y.Sum(gotch.Int64, false)), nil // 0
	}
	if logits.Numel()%n != 0 {
		tensor.Fail("%d logits for %d labels", logits.Numel(), n)
	}
	x := s.M(logits.Reshape([]int64{int64(n), -1}, false)) // [N, C]
	var pred *Tensor
	if x.MustSize()[1] == 1 {
		pred = s.M(x.Gt(s.Scalar(0), false)) // [N, 1] bool: logit > 0 is class 1
		pred = s.M(pred.Reshape([]int64{-1}, false))
	} else {
		pred = s.M(x.Argmax([]int64{1}, false, false))
	}
	if y.DType() != gotch.Int64 {
		y = s.M(y.Totype(gotch.Int64, false))
	}
	right := s.M(pred.EqTensor(y, false))
	if ignoreIndex != NoIgnore {
		right = s.M(right.LogicalAnd(s.M(y.Ne(s.Scalar(float64(ignoreIndex)), false)), false))
	}
	return tensor.Must(right.Sum(gotch.Int64, false)), nil
}

// predicted is the class of one row of logits: argmax (first of ties, as
// torch.argmax), or 1 when a single logit is positive.
func predicted(row []float32) int64 {
	if len(row) == 1 {
		if row[0] > 0 {
			return 1
		}
		return 0
	}
	best := 0
	for c, v := range row {
		if v > row[best] {
			best = c
		}
	}
	return int64(best)
}

func prefix(short, long []int64) bool {
	for i, d := range short {
		if long[i] != d {
			return false
		}
	}
	return true
}
