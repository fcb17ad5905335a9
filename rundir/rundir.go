// Package rundir is the format of a training run's folder, which cmd/train
// writes and cmd/predict and cmd/generate read:
//
//	runs/classify-20250102-150405/
//	    config.json    RunInfo: versions, task, model shape, training settings, labels
//	    vocab.txt      the vocabulary, one token per line
//	    metrics.jsonl  one Epoch per line
//	    curves.png     loss and accuracy (or perplexity) per epoch
//	    model.pt       weights with the best validation score
//	    last.pt        weights after the last finished epoch
//	    optim.pt       optimizer state that goes with last.pt
//	    state.json     State: where training stands, for resume
//
// Every file is written atomically: a crash leaves the old file or the new
// one, never a part. A Folder is not safe for concurrent writers.
package rundir

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

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
	LastFile    = "last.pt"       // weights after the last finished epoch
	OptimFile   = "optim.pt"      // optimizer state that goes with last.pt
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
	Train  json.RawMessage `json:"train"`
	Vocab  string          `json:"vocab"`            // file name in the run folder
	Labels []string        `json:"labels,omitempty"` // class id -> name (classify)
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
	Epoch     int     `json:"epoch"`      // epochs finished
	Steps     int64   `json:"steps"`      // optimizer steps taken
	Best      float64 `json:"best"`       // best validation score (accuracy, or -loss for lm)
	BestEpoch int     `json:"best_epoch"` // epoch of model.pt
	Stale     int     `json:"stale"`      // epochs since the best, for early stopping
	Done      bool    `json:"done"`       // training finished (epochs, patience or Ctrl-C)
	TestLoss  float64 `json:"test_loss,omitempty"`
	TestAcc   float64 `json:"test_acc,omitempty"`
}

// Epoch is one line of metrics.jsonl: what one epoch measured.
type Epoch struct {
	Epoch        int     `json:"epoch"`
	TrainLoss    float64 `json:"train_loss"`
	TrainAcc     float64 `json:"train_acc,omitempty"` // classifier only (0..1)
	ValidLoss    float64 `json:"valid_loss"`
	ValidAcc     float64 `json:"valid_acc,omitempty"` // classifier only (0..1)
	ValidPPL     float64 `json:"valid_ppl,omitempty"` // language model only
	ValidBPC     float64 `json:"valid_bpc,omitempty"` // language model, char level
	Seconds      float64 `json:"seconds"`
	TokensPerSec float64 `json:"tokens_per_sec"`
	LR           float64 `json:"lr"`
}

// Folder is an open run folder.
type Folder struct{ Dir string }

// ErrNotEmpty is NewFolder's error for a folder that holds files already.
var ErrNotEmpty = errors.New("the folder exists and is not empty")

// NewFolder creates dir (default runs/<task>-<date>-<time>); an existing
// non-empty folder is an error wrapping ErrNotEmpty, so no run overwrites
// another.
func NewFolder(dir, task string) (*Folder, error) {
	if dir == "" {
		dir = filepath.Join("runs", task+"-"+time.Now().Format("20060102-150405"))
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("rundir: %s: %w", dir, ErrNotEmpty)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("rundir: %w", err)
	}
	return &Folder{Dir: dir}, nil
}

// OpenFolder opens an existing run folder and reads its config.json.
func OpenFolder(dir string) (*Folder, *RunInfo, error) {
	r := &Folder{Dir: dir}
	var info RunInfo
	if err := r.ReadJSON(ConfigFile, &info); err != nil {
		return nil, nil, err
	}
	if info.Torchrnn == "" || info.Task == "" || info.Vocab == "" {
		return nil, nil, fmt.Errorf("rundir: %s: not a torchrnn run (no torchrnn version, task or vocabulary)", r.Path(ConfigFile))
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

// AppendMetrics adds one epoch to metrics.jsonl. Lines of epochs at or
// after e.Epoch (left by an interrupted run) are dropped first.
func (r *Folder) AppendMetrics(e Epoch) error {
	old, err := r.Metrics()
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	for _, o := range old {
		if o.Epoch < e.Epoch {
			line, _ := json.Marshal(o)
			buf.Write(append(line, '\n'))
		}
	}
	line, _ := json.Marshal(e)
	buf.Write(append(line, '\n'))
	if err := atomic.WriteFile(r.Path(MetricsFile), buf.Bytes()); err != nil {
		return fmt.Errorf("rundir: %w", err)
	}
	return nil
}

// Metrics reads metrics.jsonl; a missing file is no epochs.
func (r *Folder) Metrics() ([]Epoch, error) {
	f, err := os.Open(r.Path(MetricsFile))
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("rundir: %w", err)
	}
	defer f.Close()
	var out []Epoch
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		var e Epoch
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return nil, fmt.Errorf("rundir: %s:%d: %w", r.Path(MetricsFile), line, err)
		}
		out = append(out, e)
	}
	return out, sc.Err()
}
