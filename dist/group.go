package dist

import (
	"fmt"
	"strings"
	"time"

	"github.com/sugarme/gotch"
	"github.com/torchrnn/torchrnn/torch"
)

// The backends of a process group.
const (
	Gloo = "gloo" // CPU tensors (and CUDA ones where libtorch has CUDA), over TCP
	NCCL = "nccl" // CUDA tensors; needs a CUDA libtorch built with NCCL
	Auto = "auto" // NCCL for a CUDA Device when this build has it, else Gloo
)

// Options are how to join a group. A zero field means its default.
type Options struct {
	Backend     string        // Gloo (default), NCCL or Auto
	JoinTimeout time.Duration // wait this long for the master and every rank; default 60s
	Timeout     time.Duration // a collective that has not finished by then fails; default 5m
	// Check is compared across ranks at join: ranks whose Check differs
	// from rank 0's fail to join. Put what must agree in it (a hash of
	// the model's and the training's settings).
	Check string
	// Device holds the tensors SumFloat64s reduces: the CPU (default) for
	// Gloo, this rank's GPU for NCCL.
	Device torch.Device
}

func (o Options) withDefaults() Options {
	if o.Backend == "" {
		o.Backend = Gloo
	}
	if o.JoinTimeout <= 0 {
		o.JoinTimeout = 60 * time.Second
	}
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Minute
	}
	if o.Device.Name == "" {
		o.Device = gotch.CPU
	}
	return o
}

// Group is this process's membership of a job's process group. Its
// collectives must be called by every rank in the same order. A Group is
// not safe for concurrent use; call it from the goroutine doing the torch
// work (see package torch's thread rule).
type Group struct {
	Env
	Backend string
	device  torch.Device
	store   store
	pg      processGroup
}

// Join connects to the rendezvous of env (rank 0 serves it), waits for
// every rank, checks that all ranks' Check values are rank 0's, and makes
// the process group. Every rank of the job must call it. The caller owns
// the Group and Closes it.
func Join(env Env, opt Options) (*Group, error) {
	opt = opt.withDefaults()
	if opt.Backend != Gloo && opt.Backend != NCCL && opt.Backend != Auto {
		return nil, fmt.Errorf("dist: backend %q: want %s, %s or %s", opt.Backend, Gloo, NCCL, Auto)
	}
	if env.Size < 1 || env.Rank < 0 || env.Rank >= env.Size {
		return nil, fmt.Errorf("dist: rank %d of %d: ranks are 0 to WORLD_SIZE-1", env.Rank, env.Size)
	}
	who := fmt.Sprintf("dist: rank %d of %d", env.Rank, env.Size)
	s, err := connectStore(env.MasterAddr, env.MasterPort, env.Rank == 0, env.Size, opt.JoinTimeout)
	if err != nil {
		if env.Rank == 0 {
			return nil, fmt.Errorf("%s: cannot serve the rendezvous on %s (MASTER_ADDR, MASTER_PORT): %w", who, env.Addr(), err)
		}
		return nil, fmt.Errorf("%s: cannot reach the master at %s (MASTER_ADDR, MASTER_PORT) within %s: %w", who, env.Addr(), opt.JoinTimeout, err)
	}
	g := &Group{Env: env, Backend: opt.Backend, device: opt.Device, store: s}
	if err := g.rendezvous(opt); err != nil {
		s.free()
		return nil, fmt.Errorf("%s: %w", who, err)
	}
	if opt.Backend == Auto {
		g.Backend = Gloo
		if opt.Device.IsCuda() {
			// Every rank runs the same build, so all fall back alike.
			if g.pg, err = newProcessGroup(s, NCCL, env.Rank, env.Size, opt.Timeout); err == nil {
				g.Backend = NCCL
				return g, nil
			}
		}
	}
	if g.pg, err = newProcessGroup(s, g.Backend, env.Rank, env.Size, opt.Timeout); err != nil {
		s.free()
		return nil, fmt.Errorf("%s: %s process group at %s: %w", who, g.Backend, env.Addr(), err)
	}
	return g, nil
}

// rendezvous announces this rank with its check value, waits until every
// rank has, and compares the values with rank 0's. Rank 0, which serves
// the store, waits for the others to have read before it goes on (or
// returns an error and exits).
func (g *Group) rendezvous(opt Options) error {
	key := func(what string, r int) string { return fmt.Sprintf("torchrnn/%s/%d", what, r) }
	where := fmt.Sprintf("rendezvous at %s (is MASTER_ADDR rank 0's machine and MASTER_PORT its port?)", g.Addr())
	if err := g.store.set(key("join", g.Rank), []byte(opt.Check)); err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	deadline := time.Now().Add(opt.JoinTimeout)
	if missing, err := g.waitAll(key, "join", deadline); err != nil {
		return fmt.Errorf("%s: %w", where, err)
	} else if len(missing) > 0 {
		return fmt.Errorf("waited %s at %s for %d ranks: rank(s) %s never joined (started with the same MASTER_ADDR, MASTER_PORT and WORLD_SIZE?)",
			opt.JoinTimeout, g.Addr(), g.Size, strings.Join(missing, ", "))
	}
	checks := make([]string, g.Size)
	for r := range checks {
		v, err := g.store.get(key("join", r))
		if err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		checks[r] = string(v)
	}
	if err := g.store.set(key("read", g.Rank), nil); err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	if g.Rank == 0 {
		g.waitAll(key, "read", time.Now().Add(10*time.Second))
	}
	var differ []string
	for r := 1; r < g.Size; r++ {
		if checks[r] != checks[0] {
			differ = append(differ, fmt.Sprintf("rank %d's is %s", r, short(checks[r])))
		}
	}
	if len(differ) > 0 {
		return fmt.Errorf("the ranks run with different settings (rank 0's settings check is %s, %s): start every rank with the same model and training flags",
			short(checks[0]), strings.Join(differ, ", "))
	}
	return nil
}

// waitAll waits until the store holds key(what, r) for every rank, or the
// deadline; it returns the ranks still missing then.
func (g *Group) waitAll(key func(string, int) string, what string, deadline time.Time) (missing []string, err error) {
	for {
		missing = missing[:0]
		for r := 0; r < g.Size; r++ {
			ok, err := g.store.check(key(what, r))
			if err != nil {
				return nil, err
			}
			if !ok {
				missing = append(missing, fmt.Sprint(r))
			}
		}
		if len(missing) == 0 || time.Now().After(deadline) {
			return missing, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func short(s string) string {
	if len(s) > 16 {
		return s[:16]
	}
	return s
}

// Close leaves the group and frees it. Call Barrier first when other
// ranks may still use the rendezvous rank 0 serves.
func (g *Group) Close() {
	if g.pg.p != nil {
		g.pg.free()
		g.pg.p = nil
	}
	if g.store.p != nil {
		g.store.free()
		g.store.p = nil
	}
}

// SumInPlace replaces each tensor by its sum over all ranks. The tensors
// must have the same shapes and types on every rank and be contiguous (on
// the CPU for Gloo, on this rank's GPU for NCCL). The collectives of all
// tensors run at once.
func (g *Group) SumInPlace(tensors ...*torch.Tensor) error {
	if err := g.pg.collective(opAllReduce, tensors, 0); err != nil {
		return g.fail("all-reduce", err)
	}
	return nil
}

// Broadcast copies root's tensors into every other rank's, in place (as
// SumInPlace, same shapes and types on every rank).
func (g *Group) Broadcast(root int, tensors ...*torch.Tensor) error {
	if err := g.pg.collective(opBroadcast, tensors, root); err != nil {
		return g.fail("broadcast", err)
	}
	return nil
}

// Barrier returns once every rank has called it.
func (g *Group) Barrier() error {
	if err := g.pg.collective(opBarrier, nil, 0); err != nil {
		return g.fail("barrier", err)
	}
	return nil
}

// fail says which collective failed where: almost always because another
// rank has died or stopped.
func (g *Group) fail(what string, err error) error {
	return fmt.Errorf("dist: rank %d of %d: %s failed (another rank ended, or the network between the ranks of the job at %s broke; every rank stops): %w",
		g.Rank, g.Size, what, g.Addr(), err)
}
