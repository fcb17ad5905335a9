package train

import (
	"fmt"
	"time"

	"github.com/torchrnn/torchrnn/dist"
	"github.com/torchrnn/torchrnn/internal/tensor"
	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/torch"
)

// A data-parallel step, as each rank sees it (cluster, dist.go):
//
//	global batch [0 ... n)   the batch one process would train on
//	   rank 0: [0, n/N)  rank 1: [n/N, 2n/N)  ...        shard
//	forward, backward on its share                        the task
//	gradients ← Σ_r share_r · g_r                         attach: dist.Reducer, before clipping
//	clip, optimizer step                                  the same on every rank
//	loss, counts, stop flag summed over the ranks         reduce

// attach starts data-parallel training of p with step: rank 0's weights
// are copied to every rank, and step averages the gradients over the
// ranks before clipping.
func (c *cluster) attach(step *Stepper, p *lstm.Params) error {
	if c == nil {
		return nil
	}
	var params []*torch.Tensor
	for _, q := range p.List() {
		params = append(params, q.Tensor)
	}
	if err := c.g.BroadcastParams(params); err != nil {
		return err
	}
	r, err := dist.NewReducer(c.g, params, 0)
	if err != nil {
		return err
	}
	c.reducer = r
	step.Sync = func() error {
		start := time.Now()
		defer func() { c.grads += time.Since(start) }()
		return r.Average(c.share)
	}
	n, bytes := r.Buckets()
	fmt.Fprintf(c.out, "dist: %d ranks, gradients of %.2f MB all-reduced in %d bucket(s) a step\n", c.g.Size, float64(bytes)/1e6, n)
	return nil
}

// shard returns this rank's part of a global batch of n items, [lo, hi):
// consecutive parts in rank order, as even as n allows.
func (c *cluster) shard(n int) (lo, hi int) {
	if c == nil {
		return 0, n
	}
	size, r := c.g.Size, c.g.Rank
	return r * n / size, (r + 1) * n / size
}

// shardOrder cuts each global batch of order to this rank's part; the
// gradients of a part count by its share of the batch (setShare).
func (c *cluster) shardOrder(order [][]int) [][]int {
	if c == nil {
		return order
	}
	parts := make([][]int, len(order))
	for i, b := range order {
		lo, hi := c.shard(len(b))
		parts[i] = b[lo:hi]
	}
	return parts
}

// setShare says how many of the global batch's n items this rank has.
func (c *cluster) setShare(mine, n int) {
	if c != nil {
		c.share = float64(mine) / float64(n)
	}
}

// idle takes part in the step of a batch smaller than the job, whose share
// for this rank is empty: its gradients count as zeros (the other ranks'
// shares carry the batch), and the averaged step is taken as everywhere.
func (c *cluster) idle(step *Stepper, device torch.Device) error {
	c.share = 0
	step.Opt.ZeroGrad()
	zero, err := tensor.Float32([]float32{0}, []int64{}, device)
	if err != nil {
		return err
	}
	defer zero.MustDrop()
	_, _, err = step.Update(zero)
	return err
}

// reduced is reduce for the batchStats of one batch, read back first: the sums
// over the ranks, accuracy over examples.
func (c *cluster) reduced(m batchStats) (batchStats, error) {
	m, err := m.read()
	if err != nil {
		return batchStats{}, err
	}
	loss, right, counted, tokens, err := c.reduce(m.loss, m.counted, m.right, m.counted, m.tokens)
	return batchStats{loss: loss, right: right, counted: counted, tokens: tokens}, err
}

// reduce sums a batch's measures over the ranks: meanLoss (over this
// rank's weight items) becomes the batch's mean loss, the counts their
// totals. A rank interrupted (Ctrl-C) stops every rank after this batch.
func (c *cluster) reduce(meanLoss float64, weight, right, counted, tokens int64) (float64, int64, int64, int64, error) {
	if c == nil {
		return meanLoss, right, counted, tokens, nil
	}
	stop := 0.0
	if c.parent.Err() != nil {
		stop = 1
	}
	start := time.Now()
	s, err := c.g.SumFloat64s([]float64{meanLoss * float64(weight), float64(weight), float64(right), float64(counted), float64(tokens), stop})
	c.metrics += time.Since(start)
	c.steps++
	if err != nil {
		return 0, 0, 0, 0, err
	}
	if s[5] > 0 {
		c.cancel()
	}
	return s[0] / max(s[1], 1), int64(s[2]), int64(s[3]), int64(s[4]), nil
}
