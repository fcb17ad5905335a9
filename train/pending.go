package train

import (
	"github.com/torchrnn/torchrnn/internal/tensor"
	"github.com/torchrnn/torchrnn/torch"
)

// batchStats is what one training batch measured: its mean loss and how many
// of counted predictions were right, and its tokens. A batch on CUDA
// leaves the loss and the right count on the device (lossT, rightT: the
// tally takes them and frees them) and the tally reads them once every
// readEvery batches, so the step never waits for the GPU; loss and right
// are then unset. A batch on the CPU is read at once (both unless
// -read-every says otherwise).
type batchStats struct {
	loss           float64
	right, counted int64
	tokens         int64
	lossT, rightT  *torch.Tensor // scalar mean loss, int64 right count; nil: loss and right hold them
}

// readEvery is how many batches the tally sums on a GPU between reads of
// their losses and right counts (each read waits for the GPU), unless
// -read-every says otherwise. A loss that is not finite or explodes is
// found at the read that follows.
const readEvery = 50

// read returns m with its device values read back and freed.
func (m batchStats) read() (batchStats, error) {
	if m.lossT == nil {
		return m, nil
	}
	defer torch.Free(m.lossT, m.rightT)
	loss, err := torch.Item(m.lossT)
	if err != nil {
		return m, err
	}
	right, err := torch.Item(m.rightT)
	if err != nil {
		return m, err
	}
	m.loss, m.right, m.lossT, m.rightT = loss, int64(right), nil, nil
	return m, nil
}

// pending sums measures on the device, without a read.
type pending struct {
	n               int
	counted, tokens int64
	loss, right     *torch.Tensor // running sums of the batches' mean losses and right counts
}

// add takes m's device values (freeing them) into the sums.
func (p *pending) add(m batchStats) (err error) {
	defer torch.Free(m.lossT, m.rightT)
	defer tensor.Catch(&err, "train: sum batch measures")
	tensor.NoGrad(func() {
		if p.loss == nil {
			p.loss = tensor.Must(m.lossT.Detach(false))
			p.right = tensor.Must(m.rightT.Detach(false))
		} else {
			tensor.InPlace(p.loss, func() error { return p.loss.Add_(m.lossT) })
			tensor.InPlace(p.right, func() error { return p.right.Add_(m.rightT) })
		}
	})
	p.n++
	p.counted, p.tokens = p.counted+m.counted, p.tokens+m.tokens
	return nil
}

// take reads the sums as one batchStats of n batches (its loss the sum of
// their mean losses) and empties p.
func (p *pending) take() (m batchStats, n int, err error) {
	m = batchStats{lossT: p.loss, rightT: p.right, counted: p.counted, tokens: p.tokens}
	n = p.n
	*p = pending{}
	m, err = m.read()
	return m, n, err
}

// free drops sums that were never read (a pass that ended in an error).
func (p *pending) free() {
	torch.Free(p.loss, p.right)
	*p = pending{}
}
