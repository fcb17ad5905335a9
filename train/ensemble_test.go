package train

import (
	"bytes"
	"context"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/torchrnn/torchrnn/infer"
	"github.com/torchrnn/torchrnn/rundir"
)

// TestEnsembleRun: -members 2 trains member k exactly as a run with the
// seed plus k-1, tests the mean of their probabilities (what
// infer.LoadEnsemble predicts from the folder), and a kill during member 2
// resumes to the same folder as the straight run.
func TestEnsembleRun(t *testing.T) {
	runtime.LockOSThread()
	base := t.TempDir()
	top := filepath.Join(base, "ensemble")
	cfg, model := small(top)
	cfg.Epochs, cfg.Members = 1, 2
	if err := Run(context.Background(), cfg, model, io.Discard); err != nil {
		t.Fatal(err)
	}
	ens, e, err := rundir.OpenEnsemble(top)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(e.Members, []string{"member-1", "member-2"}) || !e.Tested || len(e.MemberAcc) != 2 {
		t.Fatalf("ensemble.json: members %v, tested %v, member accuracies %v", e.Members, e.Tested, e.MemberAcc)
	}
	// Member k is the run of seed 1+k-1.
	for k, dir := range e.MemberDirs(ens) {
		alone := filepath.Join(base, "alone", e.Members[k])
		c := cfg
		c.Out, c.Members, c.Seed = alone, 1, cfg.Seed+int64(k)
		if err := Run(context.Background(), c, model, io.Discard); err != nil {
			t.Fatal(err)
		}
		if a, b := read(t, alone, rundir.BestFile), read(t, dir, rundir.BestFile); !bytes.Equal(a, b) {
			t.Errorf("member %d's model.pt differs from a run with seed %d", k+1, c.Seed)
		}
		var st rundir.State
		if err := (&rundir.Folder{Dir: dir}).ReadJSON(rundir.StateFile, &st); err != nil || st.TestAcc != e.MemberAcc[k] {
			t.Errorf("member %d: test accuracy %v in its state.json (%v), %v in ensemble.json", k+1, st.TestAcc, err, e.MemberAcc[k])
		}
	}
	if bytes.Equal(read(t, e.MemberDirs(ens)[0], rundir.BestFile), read(t, e.MemberDirs(ens)[1], rundir.BestFile)) {
		t.Error("the two members have the same weights")
	}
	// The test result is the folder's ensemble's.
	p, err := infer.LoadEnsemble(gotch.CPU, top)
	if err != nil {
		t.Fatal(err)
	}
	data, err := loadTexts(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	preds, err := p.Predict(data.test.Texts())
	if err != nil {
		t.Fatal(err)
	}
	right, nll := 0, 0.0
	for i, pr := range preds {
		gold := data.test.Examples[i].Label
		if pr.Label == data.labels[gold] {
			right++
		}
		nll -= math.Log(pr.Probs[gold])
	}
	n := float64(len(preds))
	if acc, loss := float64(right)/n, nll/n; len(p.Members) != 2 || acc != e.TestAcc || math.Abs(loss-e.TestLoss) > 1e-9 {
		t.Errorf("infer.LoadEnsemble: %d members, accuracy %.4f, loss %.6f; ensemble.json %.4f, %.6f", len(p.Members), acc, loss, e.TestAcc, e.TestLoss)
	}
	// A single-run reader names the members.
	if _, err := infer.LoadPredictor(top, gotch.CPU); err == nil || !strings.Contains(err.Error(), "an ensemble of 2 runs (member-1, member-2)") {
		t.Errorf("LoadPredictor on an ensemble's folder: %v", err)
	}

	// Killed while member 2 trained: member 2 starts again, then the
	// ensemble is tested; a second -resume has nothing to do.
	split := filepath.Join(base, "split")
	c := cfg
	c.Out = split
	if err := Run(context.Background(), c, model, io.Discard); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(split, "member-2")); err != nil {
		t.Fatal(err)
	}
	_, killed, err := rundir.OpenEnsemble(split)
	if err != nil {
		t.Fatal(err)
	}
	killed.Tested, killed.TestAcc = false, 0
	if err := (&rundir.Folder{Dir: split}).WriteJSON(rundir.EnsembleFile, killed); err != nil {
		t.Fatal(err)
	}
	if err := Resume(context.Background(), split, 0, io.Discard); err != nil {
		t.Fatal(err)
	}
	_, resumed, err := rundir.OpenEnsemble(split)
	if err != nil {
		t.Fatal(err)
	}
	if !resumed.Tested || resumed.TestAcc != e.TestAcc || !slices.Equal(resumed.MemberAcc, e.MemberAcc) {
		t.Errorf("resumed: tested %v, accuracy %v, members %v; straight %v, %v", resumed.Tested, resumed.TestAcc, resumed.MemberAcc, e.TestAcc, e.MemberAcc)
	}
	if a, b := read(t, filepath.Join(top, "member-2"), rundir.BestFile), read(t, filepath.Join(split, "member-2"), rundir.BestFile); !bytes.Equal(a, b) {
		t.Error("member 2's model.pt differs after -resume")
	}
	if err := Resume(context.Background(), split, 0, io.Discard); err == nil || !strings.Contains(err.Error(), "every member is done") {
		t.Errorf("resuming a tested ensemble: %v", err)
	}
}

// TestEnsembleSharesTheTestSplit: members of an ensemble on a single table
// split off the same test examples (the ensemble's seed), each its own
// validation examples (its own seed).
func TestEnsembleSharesTheTestSplit(t *testing.T) {
	cfg := DefaultConfig("classify")
	cfg.Data = shapedTexts(t, 200, 10)
	one, err := loadTexts(context.Background(), memberConfig(cfg, "", 1))
	if err != nil {
		t.Fatal(err)
	}
	two, err := loadTexts(context.Background(), memberConfig(cfg, "", 2))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(one.test.Texts(), two.test.Texts()) {
		t.Error("members 1 and 2 have different test splits")
	}
	if slices.Equal(one.valid.Texts(), two.valid.Texts()) {
		t.Error("members 1 and 2 have the same validation split")
	}
}
