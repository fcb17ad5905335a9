package train

import (
	"bufio"
	"bytes"
	"encoding/json"
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
	Task     string      `json:"task"`
	Model    lstm.Config `json:"model"`
	Train    Config      `json:"train"`
	Vocab    string      `json:"vocab"`            // file name in the run folder
	Labels   []string    `json:"labels,omitempty"` // class id -> name (classify)
}

// State is state.json: where training stands, for resume.
type State struct {
	Epoch     int     `json:"epoch"`      // epochs finished
	Steps     int64   `json:"steps"`      // optimizer steps taken
	Best      float64 `json:"best"`       // best validation score (accuracy, or -loss for lm)
	BestEpoch int     `json:"best_epoch"` // epoch of model.pt
	Stale     int     `json:"stale"`      // epochs since the best, for -patience
	Done      bool    `json:"done"`       // training finished (epochs, patience or Ctrl-C)
	TestLoss  float64 `json:"test_loss,omitempty"`
	TestAcc   float64 `json:"test_acc,omitempty"`
}

// Folder is an open run folder.
type Folder struct{ Dir string }

// NewFolder creates dir (default runs/<task>-<date>-<time>); an existing
// non-empty folder is an error, so no run overwrites another.
func NewFolder(dir, task string) (*Folder, error) {
	if dir == "" {
		dir = filepath.Join("runs", task+"-"+time.Now().Format("20060102-150405"))
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("-out %s: the folder exists and is not empty (use -resume %s to continue it)", dir, dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("-out %s: %w", dir, err)
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
		return nil, nil, fmt.Errorf("%s: not a torchrnn run (no torchrnn version, task or vocabulary)", r.Path(ConfigFile))
	}
	return r, &info, nil
}

// Path is the path of a file in the run folder.
func (r *Folder) Path(name string) string { return filepath.Join(r.Dir, name) }

// NewInfo fills the versions and creation time of a RunInfo.
func NewInfo(task string, model lstm.Config, cfg Config, labels []string) *RunInfo {
	return &RunInfo{Torchrnn: Version, Libtorch: libtorch.Version, Created: time.Now().UTC(),
		Task: task, Model: model, Train: cfg, Vocab: VocabFile, Labels: labels}
}

// WriteJSON writes v as indented JSON to a file of the run, atomically.
func (r *Folder) WriteJSON(name string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("train: %s: %w", name, err)
	}
	return WriteFileAtomic(r.Path(name), append(b, '\n'))
}

// ReadJSON reads a JSON file of the run into v, rejecting unknown fields.
func (r *Folder) ReadJSON(name string, v any) error {
	b, err := os.ReadFile(r.Path(name))
	if err != nil {
		return fmt.Errorf("train: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("train: %s is damaged: %w", r.Path(name), err)
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
	return WriteFileAtomic(r.Path(MetricsFile), buf.Bytes())
}

// Metrics reads metrics.jsonl; a missing file is no epochs.
func (r *Folder) Metrics() ([]Epoch, error) {
	f, err := os.Open(r.Path(MetricsFile))
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	defer f.Close()
	var out []Epoch
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		var e Epoch
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return nil, fmt.Errorf("train: %s:%d: %w", r.Path(MetricsFile), line, err)
		}
		out = append(out, e)
	}
	return out, sc.Err()
}

// WriteFileAtomic writes data to path so that a crash leaves the old file
// or the new, never a part.
func WriteFileAtomic(path string, data []byte) error {
	if err := atomic.WriteFile(path, data); err != nil {
		return fmt.Errorf("train: %w", err)
	}
	return nil
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
