package train

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sugarme/gotch/ts"
	"github.com/torchrnn/torchrnn/internal/tensor"
	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/rundir"
)

// rankJob is what TestDistRank runs in a child process: one rank of a job.
type rankJob struct {
	Cfg    Config
	Model  lstm.Config
	Resume string // a run folder to resume instead
	Epochs int
}

// TestDistRank is one rank of the jobs the tests below start; it runs only
// in their child processes (TORCHRNN_RANK_JOB set).
func TestDistRank(t *testing.T) {
	spec := os.Getenv("TORCHRNN_RANK_JOB")
	if spec == "" {
		t.Skip("a child process's rank")
	}
	runtime.LockOSThread()
	var job rankJob
	if err := json.Unmarshal([]byte(spec), &job); err != nil {
		t.Fatal(err)
	}
	var err error
	if job.Resume != "" {
		err = Resume(context.Background(), job.Resume, job.Epochs, io.Discard)
	} else {
		err = Run(context.Background(), job.Cfg, job.Model, io.Discard)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// runRanks runs job as size processes of one job on this machine.
func runRanks(t *testing.T, size int, job rankJob) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	spec, _ := json.Marshal(job)
	var wg sync.WaitGroup
	outs := make([][]byte, size)
	errs := make([]error, size)
	for r := 0; r < size; r++ {
		wg.Add(1)
		go func(r int) {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^TestDistRank$", "-test.count=1")
			cmd.Env = append(os.Environ(), "TORCHRNN_RANK_JOB="+string(spec), fmt.Sprintf("RANK=%d", r),
				fmt.Sprintf("WORLD_SIZE=%d", size), "MASTER_ADDR=127.0.0.1", fmt.Sprintf("MASTER_PORT=%d", port))
			outs[r], errs[r] = cmd.CombinedOutput()
		}(r)
	}
	wg.Wait()
	for r := range errs {
		if errs[r] != nil {
			t.Fatalf("rank %d of %d: %v\n%s", r, size, errs[r], outs[r])
		}
	}
}

// maxDiff is the largest difference between the weights of two run
// folders' epoch checkpoints.
func maxDiff(t *testing.T, a, b string, epoch int) float64 {
	t.Helper()
	load := func(dir string) map[string][]float32 {
		named, err := ts.LoadMulti(filepath.Join(dir, rundir.WeightsName(epoch)))
		if err != nil {
			t.Fatal(err)
		}
		m := map[string][]float32{}
		for _, n := range named {
			if m[n.Name], err = tensor.Float32s(n.Tensor); err != nil {
				t.Fatal(err)
			}
		}
		return m
	}
	wa, wb := load(a), load(b)
	if len(wa) == 0 || len(wa) != len(wb) {
		t.Fatalf("%d and %d tensors", len(wa), len(wb))
	}
	d := 0.0
	for name, x := range wa {
		y := wb[name]
		if len(x) != len(y) {
			t.Fatalf("%s: %d and %d values", name, len(x), len(y))
		}
		for i := range x {
			d = math.Max(d, math.Abs(float64(x[i]-y[i])))
		}
	}
	return d
}

// writeTexts writes a labelled TSV whose label shows in its words: 1,000
// rows, of which 640 train (the rest validate and test), so an epoch of
// batch 32 is 20 steps.
func writeTexts(t *testing.T, dir string) string {
	rng := rand.New(rand.NewSource(3))
	var b strings.Builder
	for i := 0; i < 1000; i++ {
		label := i % 2
		n := 4 + rng.Intn(20)
		words := make([]string, n)
		for j := range words {
			words[j] = fmt.Sprintf("w%d", rng.Intn(40)+label*20)
		}
		fmt.Fprintf(&b, "%s\t%d\n", strings.Join(words, " "), label)
	}
	path := filepath.Join(dir, "texts.tsv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestDataParallelEqualsOneProcess: 2 processes with batch 32 (16 each)
// end an epoch of 20 steps with the weights of 1 process with batch 32
// (max difference 1e-5), for a classifier and a language model.
func TestDataParallelEqualsOneProcess(t *testing.T) {
	runtime.LockOSThread()
	data := t.TempDir()
	cls := DefaultConfig("classify")
	cls.Data, cls.Tokenizer, cls.MinFreq, cls.Epochs, cls.Batch, cls.Valid, cls.Threads = writeTexts(t, data), "whitespace", 1, 1, 32, 0.2, 1
	cls.Adapt = false // the recipe's embedding dropout would draw different masks on 2 ranks
	lm := DefaultConfig("lm")
	lm.Text, lm.Epochs, lm.Batch, lm.BPTT, lm.Threads = filepath.Join(data, "text.txt"), 1, 32, 10, 1
	rng := rand.New(rand.NewSource(4))
	text := make([]byte, 7150) // 6,435 training characters: 32 rows of 201, 20 windows of 10
	for i := range text {
		text[i] = "abcdefgh \n"[min(rng.Intn(12), 9)]
	}
	if err := os.WriteFile(lm.Text, text, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		cfg   Config
		model lstm.Config
	}{
		{"classify", cls, lstm.Config{Embed: 16, Hidden: 16, Head: 8, Dropout: 0}},
		{"lm", lm, lstm.Config{Embed: 16, Hidden: 32, Dropout: 0}},
	} {
		one, two := t.TempDir(), t.TempDir()
		c.cfg.Out = one
		start := time.Now()
		if err := Run(context.Background(), c.cfg, c.model, io.Discard); err != nil {
			t.Fatalf("%s, one process: %v", c.name, err)
		}
		c.cfg.Out = two
		runRanks(t, 2, rankJob{Cfg: c.cfg, Model: c.model})
		var st rundir.State
		if err := (&rundir.Folder{Dir: two}).ReadJSON(rundir.StateFile, &st); err != nil {
			t.Fatal(err)
		}
		if st.Steps != 20 {
			t.Errorf("%s: %d steps, want 20", c.name, st.Steps)
		}
		d := maxDiff(t, one, two, 1)
		t.Logf("%s: 20 steps, max weight difference %.3g (%s)", c.name, d, time.Since(start).Round(time.Millisecond))
		if d > 1e-5 {
			t.Errorf("%s: weights differ by %g after 20 steps, want at most 1e-5", c.name, d)
		}
	}
}

// TestResumeWithOtherWorldSize: a language model trained 2 epochs by one
// process ends as one whose epoch 1 ran on 2 processes and epoch 2 on one
// after -resume, and as the reverse (max difference 1e-5).
func TestResumeWithOtherWorldSize(t *testing.T) {
	runtime.LockOSThread()
	cfg := DefaultConfig("lm")
	cfg.Text, cfg.Epochs, cfg.Batch, cfg.BPTT, cfg.Threads = filepath.Join(t.TempDir(), "text.txt"), 2, 32, 10, 1
	model := lstm.Config{Embed: 16, Hidden: 32, Dropout: 0}
	rng := rand.New(rand.NewSource(5))
	text := make([]byte, 7150)
	for i := range text {
		text[i] = "abcdefgh \n"[min(rng.Intn(12), 9)]
	}
	if err := os.WriteFile(cfg.Text, text, 0o644); err != nil {
		t.Fatal(err)
	}
	straight, twoThenOne, oneThenTwo := t.TempDir(), t.TempDir(), t.TempDir()
	cfg.Out = straight
	if err := Run(context.Background(), cfg, model, io.Discard); err != nil {
		t.Fatal(err)
	}
	cfg.Epochs = 1
	cfg.Out = twoThenOne
	runRanks(t, 2, rankJob{Cfg: cfg, Model: model})
	if err := Resume(context.Background(), twoThenOne, 2, io.Discard); err != nil {
		t.Fatal(err)
	}
	cfg.Out = oneThenTwo
	if err := Run(context.Background(), cfg, model, io.Discard); err != nil {
		t.Fatal(err)
	}
	runRanks(t, 2, rankJob{Resume: oneThenTwo, Epochs: 2})
	for name, dir := range map[string]string{"2 then 1": twoThenOne, "1 then 2": oneThenTwo} {
		d := maxDiff(t, straight, dir, 2)
		t.Logf("%s processes: max weight difference %.3g after 2 epochs", name, d)
		if d > 1e-5 {
			t.Errorf("%s processes: weights differ by %g from one process's, want at most 1e-5", name, d)
		}
	}
}
