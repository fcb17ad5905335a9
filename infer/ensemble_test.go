package infer

import (
	"math"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/rundir"
)

// An ensemble's probabilities are the mean of its runs', its label the most
// likely class; one run alone predicts what that run does; runs with other
// labels are refused.
func TestEnsembleAveragesRuns(t *testing.T) {
	runtime.LockOSThread()
	base := t.TempDir()
	var members []*Predictor
	for i, text := range []rundir.Text{{Tokenizer: "whitespace"}, {Tokenizer: "whitespace", MaxLen: 2}} {
		dir := filepath.Join(base, string(rune('a'+i)))
		writeSeededRun(t, dir, text, lstm.Max, int64(11+i))
		p, err := LoadPredictor(dir, gotch.CPU)
		if err != nil {
			t.Fatal(err)
		}
		members = append(members, p)
	}
	a, err := members[0].Predict(texts)
	if err != nil {
		t.Fatal(err)
	}
	b, err := members[1].Predict(texts)
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEnsemble(members...)
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.Predict(texts)
	if err != nil {
		t.Fatal(err)
	}
	differ := false
	for i := range texts {
		best := 0
		for k, q := range got[i].Probs {
			if want := (a[i].Probs[k] + b[i].Probs[k]) / 2; math.Abs(q-want) > 1e-12 {
				t.Errorf("text %d class %d: %g, want the mean of %g and %g", i, k, q, a[i].Probs[k], b[i].Probs[k])
			}
			if q > got[i].Probs[best] {
				best = k
			}
			differ = differ || a[i].Probs[k] != b[i].Probs[k]
		}
		if got[i].Label != e.Labels()[best] || got[i].Prob != got[i].Probs[best] {
			t.Errorf("text %d: %s %g, want the most likely class %s", i, got[i].Label, got[i].Prob, e.Labels()[best])
		}
	}
	if !differ {
		t.Fatal("the two runs predict the same: the test cannot tell a mean from either")
	}
	one, err := NewEnsemble(members[0])
	if err != nil {
		t.Fatal(err)
	}
	alone, err := one.Predict(texts)
	if err != nil {
		t.Fatal(err)
	}
	for i := range texts {
		if alone[i].Label != a[i].Label || !slices.Equal(alone[i].Probs, a[i].Probs) {
			t.Errorf("text %d: an ensemble of one run gives %v, the run %v", i, alone[i], a[i])
		}
	}
	other := *members[1]
	info := *other.Info
	info.Labels = []string{"pos", "neutral", "neg"}
	other.Info = &info
	if _, err := NewEnsemble(members[0], &other); err == nil || !strings.Contains(err.Error(), "run 2 has the labels") {
		t.Errorf("runs with other labels: %v", err)
	}
	if _, err := NewEnsemble(); err == nil {
		t.Error("an ensemble of no runs: no error")
	}
}

// LoadEnsemble reads an ensemble's folder as all its members, a run folder
// as one member, and both together as one ensemble; LoadPredictor refuses
// an ensemble's folder, naming its members.
func TestLoadEnsembleFolders(t *testing.T) {
	runtime.LockOSThread()
	base := t.TempDir()
	top := filepath.Join(base, "ensemble")
	e, err := rundir.NewEnsemble("classify", 2, lstm.Config{}, struct{}{}, []string{"neg", "pos"})
	if err != nil {
		t.Fatal(err)
	}
	for k, m := range e.Members {
		writeSeededRun(t, filepath.Join(top, m), rundir.Text{Tokenizer: "whitespace"}, lstm.Max, int64(21+k))
	}
	if err := (&rundir.Folder{Dir: top}).WriteJSON(rundir.EnsembleFile, e); err != nil {
		t.Fatal(err)
	}
	single := filepath.Join(base, "single")
	writeSeededRun(t, single, rundir.Text{Tokenizer: "whitespace"}, lstm.Max, 31)
	var want []*Predictor
	for _, dir := range []string{filepath.Join(top, "member-1"), filepath.Join(top, "member-2"), single} {
		p, err := LoadPredictor(dir, gotch.CPU)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, p)
	}
	for _, c := range []struct {
		dirs    []string
		members []*Predictor
	}{{[]string{top}, want[:2]}, {[]string{single}, want[2:]}, {[]string{top, single}, want}} {
		got, err := LoadEnsemble(gotch.CPU, c.dirs...)
		if err != nil {
			t.Fatal(err)
		}
		ref, err := NewEnsemble(c.members...)
		if err != nil {
			t.Fatal(err)
		}
		a, err := got.Predict(texts)
		if err != nil {
			t.Fatal(err)
		}
		b, err := ref.Predict(texts)
		if err != nil {
			t.Fatal(err)
		}
		for i := range texts {
			if len(got.Members) != len(c.members) || !slices.Equal(a[i].Probs, b[i].Probs) {
				t.Fatalf("%v: %d members, text %d %v; want %d members, %v", c.dirs, len(got.Members), i, a[i].Probs, len(c.members), b[i].Probs)
			}
		}
	}
	if _, err := LoadPredictor(top, gotch.CPU); err == nil || !strings.Contains(err.Error(), "an ensemble of 2 runs (member-1, member-2)") {
		t.Errorf("LoadPredictor on an ensemble's folder: %v", err)
	}
}
