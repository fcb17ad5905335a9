package dist

import (
	"fmt"
	"math"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
	"github.com/torchrnn/torchrnn/torch"
)

func TestParseEnv(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		want string // error substring; "" for none
	}{
		{map[string]string{}, ""},
		{map[string]string{"WORLD_SIZE": "1"}, ""},
		{map[string]string{"WORLD_SIZE": "2", "RANK": "1", "MASTER_ADDR": "h"}, ""},
		{map[string]string{"WORLD_SIZE": "2", "RANK": "1"}, "WORLD_SIZE=2 but MASTER_ADDR is not set"},
		{map[string]string{"WORLD_SIZE": "2", "MASTER_ADDR": "h"}, "RANK is not set"},
		{map[string]string{"WORLD_SIZE": "2", "RANK": "2", "MASTER_ADDR": "h"}, "RANK=2 is not below WORLD_SIZE=2"},
		{map[string]string{"WORLD_SIZE": "two"}, `WORLD_SIZE="two"`},
		{map[string]string{"WORLD_SIZE": "0"}, `WORLD_SIZE="0"`},
		{map[string]string{"WORLD_SIZE": "2", "RANK": "-1", "MASTER_ADDR": "h"}, `RANK="-1"`},
		{map[string]string{"WORLD_SIZE": "2", "RANK": "0", "MASTER_ADDR": "h", "MASTER_PORT": "70000"}, "MASTER_PORT=70000"},
	} {
		e, err := ParseEnv(func(k string) string { return c.env[k] })
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%v: got %v, %v; want error %q", c.env, e, err, c.want)
		}
	}
	e, _ := ParseEnv(func(k string) string { return map[string]string{"WORLD_SIZE": "4", "RANK": "3", "MASTER_ADDR": "h"}[k] })
	if e.MasterPort != DefaultPort || e.Addr() != "h:29500" || !e.Distributed() {
		t.Errorf("defaults: %+v", e)
	}
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// ranks runs fn as each rank of a job of size on its own goroutine (locked
// to its thread) and returns their errors.
func ranks(t *testing.T, size int, opt func(rank int) Options, fn func(g *Group) error) []error {
	port := freePort(t)
	errs := make([]error, size)
	var wg sync.WaitGroup
	for r := 0; r < size; r++ {
		wg.Add(1)
		go func(r int) {
			defer wg.Done()
			errs[r] = torch.Run(func() error {
				g, err := Join(Env{Rank: r, Size: size, MasterAddr: "127.0.0.1", MasterPort: port}, opt(r))
				if err != nil {
					return err
				}
				defer g.Close()
				if err := fn(g); err != nil {
					return err
				}
				return g.Barrier()
			})
		}(r)
	}
	wg.Wait()
	return errs
}

func TestJoinNamesMissingRanks(t *testing.T) {
	port := freePort(t)
	start := time.Now()
	_, err := Join(Env{Rank: 0, Size: 3, MasterAddr: "127.0.0.1", MasterPort: port}, Options{JoinTimeout: time.Second})
	if err == nil || !strings.Contains(err.Error(), "rank(s) 1, 2 never joined") || !strings.Contains(err.Error(), fmt.Sprintf("127.0.0.1:%d", port)) {
		t.Fatalf("got %v", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %s for a 1s timeout", d)
	}
}

func TestJoinUnreachableMaster(t *testing.T) {
	port := freePort(t) // nobody serves it
	_, err := Join(Env{Rank: 1, Size: 2, MasterAddr: "127.0.0.1", MasterPort: port}, Options{JoinTimeout: time.Second})
	want := fmt.Sprintf("rank 1 of 2: cannot reach the master at 127.0.0.1:%d", port)
	if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "frame #") {
		t.Fatalf("got %v, want %q", err, want)
	}
}

func TestJoinRefusesOtherSettings(t *testing.T) {
	errs := ranks(t, 2, func(r int) Options {
		return Options{JoinTimeout: 20 * time.Second, Check: fmt.Sprintf("hidden=%d", 64*(r+1))}
	}, func(g *Group) error { return nil })
	for r, err := range errs {
		if err == nil || !strings.Contains(err.Error(), "the ranks run with different settings (rank 0's settings check is hidden=64, rank 1's is hidden=128)") {
			t.Errorf("rank %d: got %v", r, err)
		}
	}
}

func tensorOf(t *testing.T, v []float32, grad bool) *torch.Tensor {
	x := ts.MustOfSlice(v)
	if grad {
		x = x.MustSetRequiresGrad(true, true)
	}
	return x
}

// TestCollectives: sums, broadcast, and gradients averaged with weights
// (2 and 1: 2/3 of rank 0's gradient plus 1/3 of rank 1's), in buckets
// small enough that the two parameters fall in two.
func TestCollectives(t *testing.T) {
	var mu sync.Mutex
	got := map[int][][]float32{}
	errs := ranks(t, 2, func(int) Options { return Options{JoinTimeout: 20 * time.Second, Check: "same"} }, func(g *Group) error {
		sums, err := g.SumFloat64s([]float64{float64(g.Rank), 1})
		if err != nil {
			return err
		}
		if sums[0] != 1 || sums[1] != 2 {
			return fmt.Errorf("sums %v, want [1 2]", sums)
		}
		r := float32(g.Rank)
		a, b := tensorOf(t, []float32{10 * r, 1}, true), tensorOf(t, []float32{r, r, r}, true)
		if err := g.BroadcastParams([]*torch.Tensor{a, b}); err != nil {
			return err
		}
		// loss = Σ a·ca + Σ b·cb: the gradients are ca and cb.
		ca, cb := tensorOf(t, []float32{1 + r, 2}, false), tensorOf(t, []float32{3 * r, 0, -r}, false)
		loss := a.MustMul(ca, false).MustSum(gotch.Float, true).MustAdd(b.MustMul(cb, false).MustSum(gotch.Float, true), true)
		loss.MustBackward()
		red, err := NewReducer(g, []*torch.Tensor{a, b}, 8)
		if err != nil {
			return err
		}
		defer red.Free()
		if n, bytes := red.Buckets(); n != 2 || bytes != 4*(2+1+3) {
			return fmt.Errorf("%d buckets of %d bytes, want 2 of 24", n, bytes)
		}
		if err := red.Average(2 - float64(g.Rank)); err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		for _, x := range []*torch.Tensor{a, b, a.MustGrad(false), b.MustGrad(false)} {
			v, err := torch.Float32s(x)
			if err != nil {
				return err
			}
			got[g.Rank] = append(got[g.Rank], v)
		}
		return nil
	})
	for r, err := range errs {
		if err != nil {
			t.Fatalf("rank %d: %v", r, err)
		}
	}
	want := [][]float32{{0, 1}, {0, 0, 0}, {(2*1 + 1*2) / 3.0, 2}, {1 / 3.0 * 3, 0, -1 / 3.0}}
	for r := 0; r < 2; r++ {
		for i := range want {
			for j := range want[i] {
				if math.Abs(float64(got[r][i][j]-want[i][j])) > 1e-6 {
					t.Errorf("rank %d, tensor %d: got %v, want %v", r, i, got[r][i], want[i])
					break
				}
			}
		}
	}
}

// TestDeadRankFails: when a rank leaves, the other's next collective fails
// with an error saying so, long before the collective timeout.
func TestDeadRankFails(t *testing.T) {
	start := time.Now()
	errs := ranks(t, 2, func(int) Options {
		return Options{JoinTimeout: 20 * time.Second, Timeout: 30 * time.Second, Check: "same"}
	}, func(g *Group) error {
		if _, err := g.SumFloat64s([]float64{1}); err != nil {
			return err
		}
		if g.Rank == 1 {
			g.Close() // its sockets close, as a killed process's do
			return fmt.Errorf("left")
		}
		_, err := g.SumFloat64s([]float64{1})
		return err
	})
	if errs[0] == nil || !strings.Contains(errs[0].Error(), "all-reduce failed") {
		t.Fatalf("rank 0: got %v", errs[0])
	}
	if d := time.Since(start); d > 25*time.Second {
		t.Errorf("rank 0 noticed after %s", d)
	}
}

// BenchmarkAverage is the all-reduce cost of a step without waiting: 2 or
// 4 ranks in this process average the gradients of the default language
// model's size (1.4 MB, 350k float32), in one bucket.
func BenchmarkAverage(b *testing.B) {
	for _, size := range []int{2, 4} {
		b.Run(fmt.Sprintf("ranks=%d", size), func(b *testing.B) { benchAverage(b, size) })
	}
}

func benchAverage(b *testing.B, size int) {
	const n = 350_000
	b.SetBytes(4 * n)
	errs := ranks(&testing.T{}, size, func(int) Options { return Options{JoinTimeout: 20 * time.Second, Check: "same"} }, func(g *Group) error {
		p := ts.MustOnes([]int64{n}, gotch.Float, gotch.CPU).MustSetRequiresGrad(true, true)
		p.MustSum(gotch.Float, false).MustBackward()
		r, err := NewReducer(g, []*torch.Tensor{p}, 0)
		if err != nil {
			return err
		}
		defer r.Free()
		if err := g.Barrier(); err != nil {
			return err
		}
		if g.Rank == 0 {
			b.ResetTimer()
		}
		for i := 0; i < b.N; i++ {
			if err := r.Average(1); err != nil {
				return err
			}
		}
		return nil
	})
	for r, err := range errs {
		if err != nil {
			b.Fatalf("rank %d: %v", r, err)
		}
	}
}
