package train

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/torchrnn/torchrnn/dist"
	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/rundir"
)

// distSettings choose how the ranks of a data-parallel job (package dist)
// talk; where each rank stands comes from the environment (RANK,
// WORLD_SIZE, MASTER_ADDR, ...). Alone (no WORLD_SIZE) they are unused.
type distSettings struct {
	DistBackend string `json:"dist_backend,omitempty"` // auto, gloo or nccl
	DistTimeout int    `json:"dist_timeout,omitempty"` // seconds: joining, and each collective
}

func (c *distSettings) registerDistFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.DistBackend, "dist-backend", "auto", "with WORLD_SIZE > 1: c10d backend, auto (nccl on CUDA where this build has it, else gloo), gloo or nccl")
	fs.IntVar(&c.DistTimeout, "dist-timeout", 0, "with WORLD_SIZE > 1: seconds to wait for every rank to join, and for each collective; 0: 60 to join, 300 a collective")
}

func (c distSettings) validateDist() error {
	switch {
	case c.DistBackend != "" && c.DistBackend != "auto" && c.DistBackend != dist.Gloo && c.DistBackend != dist.NCCL:
		return fmt.Errorf("-dist-backend %q: want auto, gloo or nccl", c.DistBackend)
	case c.DistTimeout < 0 || c.DistTimeout > 7*24*3600:
		return fmt.Errorf("-dist-timeout %d: want seconds, 0 (the defaults) to 604800 (a week)", c.DistTimeout)
	}
	return nil
}

// cluster is this process's part in data-parallel training: every rank
// trains the same model on its share of each global batch (the same
// batches, in the same order, as one process would), the gradients are
// averaged (dist.Reducer) before clipping and the step, and the batch's
// metrics and a stop flag are summed, so that every rank logs, guards and
// stops alike. Only rank 0 writes the run folder; the others write theirs
// to a temporary folder, removed at the end. A nil *cluster is training
// alone, and its methods then do nothing.
type cluster struct {
	g       *dist.Group
	reducer *dist.Reducer
	share   float64 // this rank's share of the batch at hand, for the gradients
	parent  context.Context
	cancel  context.CancelFunc
	scratch string // non-zero ranks' run folder
	out     io.Writer
	// what the collectives cost: steps, time averaging gradients and
	// summing metrics
	steps          int
	grads, metrics time.Duration
}

// joinCluster joins the job the environment describes, when it has more
// than one process: it returns the context training runs under (ended on
// every rank when any rank is interrupted), the cluster, and the writer
// this rank reports on (rank 0: out; the others: nothing).
func joinCluster(ctx context.Context, cfg Config, model lstm.Config, hw hardware, out io.Writer) (context.Context, *cluster, io.Writer, error) {
	env, err := dist.FromEnv()
	if err != nil {
		return ctx, nil, out, UsageError{err}
	}
	if !env.Distributed() {
		return ctx, nil, out, nil
	}
	if cfg.Task != "classify" && cfg.Task != "lm" {
		return ctx, nil, out, UsageError{fmt.Errorf("-task %s: data-parallel training (WORLD_SIZE=%d) supports -task classify and lm so far", cfg.Task, env.Size)}
	}
	if cfg.Batch < env.Size {
		return ctx, nil, out, UsageError{fmt.Errorf("-batch %d is smaller than WORLD_SIZE=%d: every rank needs a share of each batch", cfg.Batch, env.Size)}
	}
	backend := cfg.DistBackend
	if backend == "" {
		backend = dist.Auto
	}
	opt := dist.Options{Backend: backend, Check: settingsHash(cfg, model), Device: hw.device}
	if cfg.DistTimeout > 0 {
		opt.JoinTimeout = time.Duration(cfg.DistTimeout) * time.Second
		opt.Timeout = opt.JoinTimeout
	}
	start := time.Now()
	g, err := dist.Join(env, opt)
	if err != nil {
		return ctx, nil, out, err
	}
	fmt.Fprintf(out, "dist: rank %d of %d (local rank %d) joined %s over %s in %s; rank 0 writes the run folder\n",
		env.Rank, env.Size, env.LocalRank, env.Addr(), g.Backend, time.Since(start).Round(time.Millisecond))
	if env.Rank != 0 {
		out = io.Discard
	}
	run, cancel := context.WithCancel(context.Background())
	return run, &cluster{g: g, parent: ctx, cancel: cancel, out: out}, out, nil
}

// settingsHash is what must agree across ranks: the model and the training
// settings, less those that may differ per machine (run folder, threads,
// device, where the data lies).
func settingsHash(cfg Config, model lstm.Config) string {
	cfg.Out, cfg.Threads, cfg.Device = "", 0, ""
	for _, p := range []*string{&cfg.Data, &cfg.Text, &cfg.TrainFile, &cfg.DevFile, &cfg.TestFile, &cfg.Embeddings} {
		if *p != "" {
			*p = filepath.Base(*p)
		}
	}
	b, _ := json.Marshal(struct {
		Train Config
		Model lstm.Config
	}{cfg, model})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

// rank is this process's rank (0 alone).
func (c *cluster) rank() int {
	if c == nil {
		return 0
	}
	return c.g.Rank
}

// privateRun points the run of a non-zero rank at a temporary folder of
// its own: a new run's cfg.Out, or a copy of the resumed run's folder
// (which every rank must be able to read).
func (c *cluster) privateRun(cfg Config, prev *resumed) (Config, *resumed, error) {
	if c.rank() == 0 {
		return cfg, prev, nil
	}
	dir, err := os.MkdirTemp("", fmt.Sprintf("torchrnn-rank%d-", c.g.Rank))
	if err != nil {
		return cfg, prev, fmt.Errorf("dist: rank %d: %w", c.g.Rank, err)
	}
	c.scratch = dir
	if prev == nil {
		cfg.Out = filepath.Join(dir, "run")
		return cfg, nil, nil
	}
	entries, err := os.ReadDir(prev.run.Dir)
	if err != nil {
		return cfg, prev, fmt.Errorf("dist: rank %d: -resume needs the run folder on every rank (a shared volume): %w", c.g.Rank, err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(prev.run.Dir, e.Name()))
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644)
		}
		if err != nil {
			return cfg, prev, fmt.Errorf("dist: rank %d: copy the resumed run: %w", c.g.Rank, err)
		}
	}
	run, info, err := rundir.OpenFolder(dir)
	if err != nil {
		return cfg, prev, fmt.Errorf("dist: rank %d: %w", c.g.Rank, err)
	}
	return cfg, &resumed{run: run, info: info, state: prev.state}, nil
}

// close waits for every rank (rank 0 serves the rendezvous the others
// still use) when training ended well, then leaves the job and removes a
// non-zero rank's folder.
func (c *cluster) close(ok bool) {
	if c == nil {
		return
	}
	if ok {
		c.g.Barrier()
	}
	if c.steps > 0 {
		ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1e3 / float64(c.steps) }
		fmt.Fprintf(c.out, "dist: %d steps; per step, averaging gradients took %.2f ms, summing metrics %.2f ms (waits for slower ranks included)\n",
			c.steps, ms(c.grads), ms(c.metrics))
	}
	if c.reducer != nil {
		c.reducer.Free()
	}
	c.g.Close()
	c.cancel()
	if c.scratch != "" {
		os.RemoveAll(c.scratch)
	}
}
