package rundir

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/torchrnn/torchrnn/internal/atomic"
	"github.com/torchrnn/torchrnn/internal/tensor"
	"github.com/torchrnn/torchrnn/lstm"
)

// A checkpoint is committed as a unit. Each epoch's files get new names
// (weights-000003.pt, optim-000003.pt); state.json, written last (synced,
// then renamed, then the folder synced), names them with their checksums.
// Until state.json is renamed the previous checkpoint is the run's state,
// whatever else a crash left behind; afterwards the files it no longer
// names are pruned. model.pt is a copy of the best epoch's weights file,
// written before the state.json that names that file.
//
//	epoch 3 ends: weights-000003.pt, optim-000003.pt  (new names, atomic)
//	              [model.pt            if epoch 3 is the best]
//	              metrics.jsonl, times.jsonl
//	              state.json  -> commit: epoch 3
//	              prune weights-000002.pt ... (not named by state.json)
//	              curves.png  (a failure is a warning)

// File is a file of the run folder and its content's SHA-256 (hex).
type File struct {
	Name   string `json:"file"`
	SHA256 string `json:"sha256"`
}

// WeightsName and OptimName are the names of epoch's checkpoint files.
func WeightsName(epoch int) string { return fmt.Sprintf("weights-%06d.pt", epoch) }
func OptimName(epoch int) string   { return fmt.Sprintf("optim-%06d.pt", epoch) }

// InterruptedFile holds the weights of an epoch cut short by Ctrl-C: never
// a resume point, never the best.
const InterruptedFile = "interrupted.pt"

// Inside returns the path of name, a plain file name of the folder (as
// config.json and state.json record them): a name with a separator or
// "..", which could point outside the folder, is an error.
func (r *Folder) Inside(name string) (string, error) {
	if name == "" || name == "." || name == ".." || filepath.Base(name) != name || strings.ContainsAny(name, `/\`) {
		return "", fmt.Errorf("rundir: %s: file name %q must name a file inside the run folder", r.Dir, name)
	}
	return r.Path(name), nil
}

// Sum returns name's checksum.
func (r *Folder) Sum(name string) (File, error) {
	path, err := r.Inside(name)
	if err != nil {
		return File{}, err
	}
	sum, err := sha256File(path)
	if err != nil {
		return File{}, fmt.Errorf("rundir: %w", err)
	}
	return File{Name: name, SHA256: sum}, nil
}

// Verify returns f's path when the file's content has f's checksum; an
// empty checksum (a run folder of an older torchrnn) is not checked.
func (r *Folder) Verify(f File) (string, error) {
	path, err := r.Inside(f.Name)
	if err != nil || f.SHA256 == "" {
		return path, err
	}
	sum, err := sha256File(path)
	if err != nil {
		return "", fmt.Errorf("rundir: %w", err)
	}
	if sum != f.SHA256 {
		return "", fmt.Errorf("rundir: %s is damaged: its SHA-256 is %.12s..., the run recorded %.12s...", path, sum, f.SHA256)
	}
	return path, nil
}

func sha256File(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// SetBest makes model.pt a copy of f (a hard link where the file system
// has them), atomically, and checks the copy.
func (r *Folder) SetBest(f File) error {
	src, err := r.Verify(f)
	if err != nil {
		return err
	}
	err = atomic.Save(r.Path(BestFile), func(tmp string) error {
		os.Remove(tmp)
		if os.Link(src, tmp) == nil {
			return nil
		}
		return copyFile(src, tmp)
	})
	if err != nil {
		return fmt.Errorf("rundir: %w", err)
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// Commit writes st as state.json, the checkpoint's commit point, then
// prunes checkpoint files st does not name.
func (r *Folder) Commit(st *State) error {
	if err := r.WriteJSON(StateFile, st); err != nil {
		return err
	}
	return r.prune(st)
}

// Restore makes the folder what st committed, after a crash or a full
// disk: temporary files and checkpoint files st does not name are removed,
// metrics.jsonl and times.jsonl cut to st's epochs, and model.pt restored
// from the best epoch's file when a crash left another there.
func (r *Folder) Restore(st *State) error {
	if err := r.prune(st); err != nil {
		return err
	}
	if err := r.truncateMetrics(st.Epoch); err != nil {
		return err
	}
	if st.BestWeights == nil {
		return nil
	}
	if sum, err := sha256File(r.Path(BestFile)); err == nil && sum == st.BestWeights.SHA256 {
		return nil
	}
	return r.SetBest(*st.BestWeights)
}

// prune removes temporary files (".name.123" left by a killed atomic
// write) and weights-*.pt, optim-*.pt and interrupted.pt files that st
// does not name.
func (r *Folder) prune(st *State) error {
	keep := map[string]bool{}
	for _, f := range []*File{st.Weights, st.Optim, st.BestWeights, st.Interrupted} {
		if f != nil {
			keep[f.Name] = true
		}
	}
	entries, err := os.ReadDir(r.Dir)
	if err != nil {
		return fmt.Errorf("rundir: %w", err)
	}
	var errs []error
	for _, e := range entries {
		name := e.Name()
		if keep[name] || !e.Type().IsRegular() || !(isTemp(name) || isCheckpoint(name)) {
			continue
		}
		if err := os.Remove(r.Path(name)); err != nil && !os.IsNotExist(err) {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("rundir: prune: %w", err)
	}
	return nil
}

// isTemp reports whether name is an atomic write's temporary file of one
// of the run's files.
func isTemp(name string) bool {
	if !strings.HasPrefix(name, ".") {
		return false
	}
	for _, f := range runFiles {
		if strings.HasPrefix(name, "."+f+".") {
			return true
		}
	}
	return isCheckpoint(strings.TrimPrefix(name[:max(strings.LastIndex(name, "."), 0)], "."))
}

func isCheckpoint(name string) bool {
	var n int
	for _, pattern := range []string{"weights-%06d.pt", "optim-%06d.pt"} {
		if _, err := fmt.Sscanf(name, pattern, &n); err == nil && fmt.Sprintf(pattern, n) == name {
			return true
		}
	}
	return name == InterruptedFile
}

// runFiles are the files a run folder may hold besides its checkpoints.
var runFiles = []string{ConfigFile, VocabFile, TargetVocabFile, MetricsFile, TimesFile, CurvesFile, BestFile, LastFile, OptimFile, StateFile, InterruptedFile}

// unstarted reports whether dir holds only what a run killed before its
// first checkpoint leaves: run files with no finished epoch in state.json.
func unstarted(dir string) bool {
	r := &Folder{Dir: dir}
	var st State
	if err := r.ReadJSON(StateFile, &st); err == nil && st.Epoch > 0 {
		return false
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		name := e.Name()
		known := isTemp(name) || isCheckpoint(name)
		for _, f := range runFiles {
			known = known || name == f
		}
		if !known || !e.Type().IsRegular() {
			return false
		}
	}
	return true
}

// clear removes the files of an unstarted run folder.
func clear(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

// CheckFinite reports a parameter of p, loaded from path, that holds a
// value that is not a number or infinite (damaged weights).
func CheckFinite(p *lstm.Params, path string) error {
	for _, q := range p.List() {
		values, err := tensor.Float32s(q.Tensor)
		if err != nil {
			return fmt.Errorf("rundir: %s: %s: %w", path, q.Name, err)
		}
		for i, v := range values {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return fmt.Errorf("rundir: %s is damaged: %s[%d] is %v", path, q.Name, i, v)
			}
		}
	}
	return nil
}
