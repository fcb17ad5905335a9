// Package rundir is the format of a training run's folder, which cmd/train
// writes and cmd/predict and cmd/generate read:
//
//	runs/classify-20250102-150405/
//	    config.json    RunInfo: versions, task, model shape, training settings, labels
//	    vocab.txt      the vocabulary, one token per line
//	    metrics.jsonl  one Epoch per line (what was measured: the same bytes
//	                   for a run interrupted and resumed as for a straight one)
//	    times.jsonl    one line per epoch: its seconds and tokens/s
//	    curves.png     loss and accuracy (or perplexity) per epoch
//	    model.pt       weights with the best validation score (a copy of one
//	                   of the weights files)
//	    weights-000003.pt  weights after epoch 3, the last committed one
//	    optim-000003.pt    optimizer state that goes with them
//	    state.json     State: the committed checkpoint, for resume, naming
//	                   the files above with their SHA-256
//
// Every file is written atomically: a crash leaves the old file or the new
// one, never a part; a checkpoint is committed as a unit by state.json
// (checkpoint.go). Folders of older torchrnn have last.pt and optim.pt
// and no checksums; they still load. A Folder is not safe for concurrent
// writers.
package rundir

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/torchrnn/torchrnn/confusion"
	"github.com/torchrnn/torchrnn/internal/atomic"
	"github.com/torchrnn/torchrnn/internal/libtorch"
	"github.com/torchrnn/torchrnn/lstm"
)

// Version is torchrnn's version, recorded in every run folder.
const Version = "0.1.0"

// Files of a run folder.
const (
	ConfigFile  = "config.json"   // RunInfo
	VocabFile   = "vocab.txt"     // the vocabulary, one token per line
	MetricsFile = "metrics.jsonl" // one Epoch per line
	CurvesFile  = "curves.png"    // loss and accuracy (or perplexity) per epoch
	BestFile    = "model.pt"      // weights with the best validation score
	TimesFile   = "times.jsonl"   // seconds and tokens/s of each epoch
	LastFile    = "last.pt"       // older folders: weights after the last finished epoch
	OptimFile   = "optim.pt"      // older folders: optimizer state that goes with last.pt
	StateFile   = "state.json"    // State
)

// RunInfo is config.json: everything needed to rebuild and use the model.
type RunInfo struct {
	Torchrnn string      `json:"torchrnn"`
	Libtorch string      `json:"libtorch"`
	Created  time.Time   `json:"created"`
	Task     string      `json:"task"` // classify or lm
	Model    lstm.Config `json:"model"`
	// Train holds the training settings (package train's Config) as JSON:
	// ReadTrain decodes them whole, Text the part that using the model needs.
	Train json.RawMessage `json:"train"`
	Vocab string          `json:"vocab"` // file name in the run folder
	// VocabSHA256 is the vocabulary file's checksum ("" in older folders).
	VocabSHA256 string   `json:"vocab_sha256,omitempty"`
	Labels      []string `json:"labels,omitempty"` // class id -> name (classify)
}

// NewInfo fills the versions and creation time of a RunInfo; train is the
// training settings, stored as JSON.
func NewInfo(task string, model lstm.Config, train any, labels []string) (*RunInfo, error) {
	i := &RunInfo{Torchrnn: Version, Libtorch: libtorch.Version, Created: time.Now().UTC(),
		Task: task, Model: model, Vocab: VocabFile, Labels: labels}
	return i, i.SetTrain(train)
}

// SetTrain stores v as the training settings.
func (i *RunInfo) SetTrain(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("rundir: training settings: %w", err)
	}
	i.Train = b
	return nil
}

// ReadTrain decodes the training settings into v, rejecting fields that v
// lacks.
func (i *RunInfo) ReadTrain(v any) error {
	dec := json.NewDecoder(bytes.NewReader(i.Train))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("rundir: training settings: %w", err)
	}
	return nil
}

// State is state.json: where training stands, for resume.
type State struct {
	Epoch     int     `json:"epoch"`            // epochs finished
	Steps     int64   `json:"steps"`            // optimizer steps taken
	Best      float64 `json:"best"`             // best validation score (accuracy, or -loss for lm)
	BestEpoch int     `json:"best_epoch"`       // epoch of model.pt
	Stale     int     `json:"stale"`            // epochs since the best, for early stopping
	Done      bool    `json:"done"`             // training finished (epochs or patience)
	Tested    bool    `json:"tested,omitempty"` // the Test fields are model.pt's; an epoch's commit clears them
	TestLoss  float64 `json:"test_loss,omitempty"`
	TestAcc   float64 `json:"test_acc,omitempty"`
	TestBLEU  float64 `json:"test_bleu,omitempty"` // seq2seq: corpus BLEU of the test split (0..100)
	// TestClasses: multi-class classifier, per-class scores of model.pt on test.
	TestClasses *confusion.Scores `json:"test_classes,omitempty"`
	// The checkpoint's files (nil before the first epoch, and in folders
	// older folders, which have last.pt and optim.pt).
	Weights     *File `json:"weights,omitempty"`      // after epoch Epoch
	Optim       *File `json:"optim,omitempty"`        // optimizer state after epoch Epoch
	BestWeights *File `json:"best_weights,omitempty"` // epoch BestEpoch's; model.pt is a copy
	Interrupted *File `json:"interrupted,omitempty"`  // epoch Epoch+1 cut short by Ctrl-C; never resumed from
}

// Validate checks a state read from a folder.
func (s *State) Validate() error {
	switch {
	case s.Epoch < 0 || s.Steps < 0 || s.BestEpoch < 0 || s.Stale < 0:
		return fmt.Errorf("epoch %d, steps %d, best_epoch %d, stale %d: none may be negative", s.Epoch, s.Steps, s.BestEpoch, s.Stale)
	case s.BestEpoch > s.Epoch:
		return fmt.Errorf("best_epoch %d is after epoch %d", s.BestEpoch, s.Epoch)
	case s.Epoch > 0 && s.Weights != nil && (s.Optim == nil || s.BestWeights == nil):
		return fmt.Errorf("epoch %d names weights but not the optimizer state or the best weights", s.Epoch)
	case math.IsNaN(s.Best) || math.IsInf(s.Best, 0):
		return fmt.Errorf("best %v is not a number", s.Best)
	}
	return nil
}

// Epoch is one line of metrics.jsonl: what one epoch measured.
type Epoch struct {
	Epoch     int     `json:"epoch"`
	TrainLoss float64 `json:"train_loss"`
	TrainAcc  float64 `json:"train_acc,omitempty"` // classifier only (0..1)
	ValidLoss float64 `json:"valid_loss"`
	ValidAcc  float64 `json:"valid_acc,omitempty"`  // classifier only (0..1)
	ValidPPL  float64 `json:"valid_ppl,omitempty"`  // language model only
	ValidBPC  float64 `json:"valid_bpc,omitempty"`  // language model, char level
	ValidBLEU float64 `json:"valid_bleu,omitempty"` // seq2seq: corpus BLEU, greedy (0..100)
	// ValidClasses: multi-class classifier, per-class scores on validation.
	ValidClasses *confusion.Scores `json:"valid_classes,omitempty"`
	LR           float64           `json:"lr"`
	// Wall-clock measures go to times.jsonl, so that metrics.jsonl is the
	// same for the same training however often it was interrupted.
	Seconds      float64 `json:"-"`
	TokensPerSec float64 `json:"-"`
}

// times is one line of times.jsonl (and of metrics.jsonl in older folders).
type times struct {
	Epoch        int     `json:"epoch"`
	Seconds      float64 `json:"seconds"`
	TokensPerSec float64 `json:"tokens_per_sec"`
}

// Folder is an open run folder.
type Folder struct{ Dir string }

// ErrNotEmpty is NewFolder's error for a folder that holds files already.
var ErrNotEmpty = errors.New("the folder exists and is not empty")

// NewFolder creates dir (default runs/<task>-<date>-<time>); an existing
// non-empty folder is an error wrapping ErrNotEmpty, so no run overwrites
// another, unless it holds only a run killed before its first checkpoint,
// whose files are then removed.
func NewFolder(dir, task string) (*Folder, error) {
	if dir == "" {
		dir = filepath.Join("runs", task+"-"+time.Now().Format("20060102-150405"))
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		if !unstarted(dir) {
			return nil, fmt.Errorf("rundir: %s: %w", dir, ErrNotEmpty)
		}
		if err := clear(dir); err != nil {
			return nil, fmt.Errorf("rundir: %w", err)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("rundir: %w", err)
	}
	return &Folder{Dir: dir}, nil
}

// OpenFolder opens an existing run folder and reads its config.json. An
// ensemble's folder (OpenEnsemble) is an error that names its members.
func OpenFolder(dir string) (*Folder, *RunInfo, error) {
	r := &Folder{Dir: dir}
	var info RunInfo
	if err := r.ReadJSON(ConfigFile, &info); err != nil {
		return nil, nil, ensembleError(dir, err)
	}
	if info.Torchrnn == "" || info.Task == "" || info.Vocab == "" {
		return nil, nil, fmt.Errorf("rundir: %s: not a torchrnn run (no torchrnn version, task or vocabulary)", r.Path(ConfigFile))
	}
	if _, err := r.Inside(info.Vocab); err != nil {
		return nil, nil, fmt.Errorf("rundir: %s: vocab: %w", r.Path(ConfigFile), err)
	}
	return r, &info, nil
}

// Path is the path of a file in the run folder.
func (r *Folder) Path(name string) string { return filepath.Join(r.Dir, name) }

// WriteJSON writes v as indented JSON to a file of the run, atomically.
func (r *Folder) WriteJSON(name string, v any) error {
	if err := atomic.WriteJSON(r.Path(name), v); err != nil {
		return fmt.Errorf("rundir: %w", err)
	}
	return nil
}

// WriteFile writes data to a file of the run, atomically.
func (r *Folder) WriteFile(name string, data []byte) error {
	if err := atomic.WriteFile(r.Path(name), data); err != nil {
		return fmt.Errorf("rundir: %w", err)
	}
	return nil
}

// ReadJSON reads a JSON file of the run into v, rejecting unknown fields.
func (r *Folder) ReadJSON(name string, v any) error {
	b, err := os.ReadFile(r.Path(name))
	if err != nil {
		return fmt.Errorf("rundir: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("rundir: %s is damaged: %w", r.Path(name), err)
	}
	return nil
}
