package rundir

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/torchrnn/torchrnn/confusion"
	"github.com/torchrnn/torchrnn/internal/libtorch"
	"github.com/torchrnn/torchrnn/lstm"
)

// EnsembleFile is the file that makes a folder an ensemble run: several
// classifier runs of the same settings but the seed, each a run folder of
// its own inside it, whose class probabilities are averaged:
//
//	runs/classify-20250102-150405/
//	    ensemble.json  Ensemble: the members, the settings, the test result
//	    member-1/      a run folder (config.json, model.pt, state.json, ...)
//	    member-2/
const EnsembleFile = "ensemble.json"

// Ensemble is ensemble.json.
type Ensemble struct {
	Torchrnn string    `json:"torchrnn"`
	Libtorch string    `json:"libtorch"`
	Created  time.Time `json:"created"`
	Task     string    `json:"task"`
	// Model is the members' model shape (its vocabulary size each
	// member's own).
	Model lstm.Config `json:"model"`
	// Members are the members' folders, relative to the ensemble's, in
	// order: member k trained with the seed plus k-1.
	Members []string `json:"members"`
	// Train holds the training settings the members share, as JSON
	// (package train's Config, the first member's seed).
	Train  json.RawMessage `json:"train"`
	Labels []string        `json:"labels,omitempty"`
	// The test result of the members' mean probabilities; Tested is false
	// until every member has finished and the ensemble was tested.
	Tested      bool              `json:"tested,omitempty"`
	TestLoss    float64           `json:"test_loss,omitempty"`
	TestAcc     float64           `json:"test_acc,omitempty"`
	TestClasses *confusion.Scores `json:"test_classes,omitempty"` // more than two classes
	// MemberAcc is each member's own test accuracy, in order.
	MemberAcc []float64 `json:"member_acc,omitempty"`
}

// NewEnsemble fills the versions and creation time of an Ensemble of n
// members named member-1 ... member-n; train is the shared training
// settings, stored as JSON.
func NewEnsemble(task string, n int, model lstm.Config, train any, labels []string) (*Ensemble, error) {
	e := &Ensemble{Torchrnn: Version, Libtorch: libtorch.Version, Created: time.Now().UTC(),
		Task: task, Model: model, Labels: labels}
	for k := 1; k <= n; k++ {
		e.Members = append(e.Members, fmt.Sprintf("member-%d", k))
	}
	return e, e.SetTrain(train)
}

// SetTrain stores v as the shared training settings.
func (e *Ensemble) SetTrain(v any) error {
	i := RunInfo{}
	err := i.SetTrain(v)
	e.Train = i.Train
	return err
}

// IsEnsemble reports whether dir holds an ensemble.json.
func IsEnsemble(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, EnsembleFile))
	return err == nil
}

// OpenEnsemble opens the ensemble folder dir and reads its ensemble.json.
// Member folders must lie inside dir.
func OpenEnsemble(dir string) (*Folder, *Ensemble, error) {
	r := &Folder{Dir: dir}
	var e Ensemble
	if err := r.ReadJSON(EnsembleFile, &e); err != nil {
		return nil, nil, err
	}
	if e.Torchrnn == "" || e.Task == "" || len(e.Members) == 0 {
		return nil, nil, fmt.Errorf("rundir: %s: not a torchrnn ensemble (no torchrnn version, task or members)", r.Path(EnsembleFile))
	}
	for _, m := range e.Members {
		if _, err := r.Inside(m); err != nil {
			return nil, nil, fmt.Errorf("rundir: %s: member %q: want a folder inside the ensemble's", r.Path(EnsembleFile), m)
		}
	}
	return r, &e, nil
}

// MemberDirs are the paths of e's member folders inside r.
func (e *Ensemble) MemberDirs(r *Folder) []string {
	dirs := make([]string, len(e.Members))
	for i, m := range e.Members {
		dirs[i] = r.Path(m)
	}
	return dirs
}

// ReadTrain decodes the shared training settings into v, rejecting fields
// that v lacks.
func (e *Ensemble) ReadTrain(v any) error {
	return (&RunInfo{Train: e.Train}).ReadTrain(v)
}

// ensembleError is OpenFolder's error for an ensemble folder, which has
// no config.json of its own.
func ensembleError(dir string, err error) error {
	if !errors.Is(err, fs.ErrNotExist) || !IsEnsemble(dir) {
		return err
	}
	_, e, eerr := OpenEnsemble(dir)
	if eerr != nil {
		return eerr
	}
	return fmt.Errorf("rundir: %s holds an ensemble of %d runs (%s), not one run: give one member's folder (%s), or read it whole (cmd/predict -run, infer.LoadEnsemble)",
		dir, len(e.Members), strings.Join(e.Members, ", "), filepath.Join(dir, e.Members[0]))
}
