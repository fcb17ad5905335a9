package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/rundir"
	"github.com/torchrnn/torchrnn/torch"
	"github.com/torchrnn/torchrnn/weights"
)

// model is a run's model on the CPU, its parameter set and its tensors
// under PyTorch's state_dict names.
type model struct {
	run    *rundir.Folder
	info   *rundir.RunInfo
	params *lstm.Params
	named  []torch.Param
}

// build makes the model a run folder describes, with fresh weights.
func build(dir string) (*model, error) {
	run, info, err := rundir.OpenFolder(dir)
	if err != nil {
		return nil, err
	}
	m, p, err := newModel(info.Task, info.Model)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", run.Path(rundir.ConfigFile), err)
	}
	named, err := weights.ModelParams(m)
	if err != nil {
		p.Drop()
		return nil, err
	}
	return &model{run: run, info: info, params: p, named: named}, nil
}

// newModel builds the model of a task on the CPU.
func newModel(task string, cfg lstm.Config) (any, *lstm.Params, error) {
	switch task {
	case "classify":
		m, err := lstm.NewClassifier(cfg, torch.CPU)
		if err != nil {
			return nil, nil, err
		}
		return m, m.Params, nil
	case "lm":
		m, err := lstm.NewLM(cfg, torch.CPU)
		if err != nil {
			return nil, nil, err
		}
		return m, m.Params, nil
	case "tag":
		m, err := lstm.NewTagger(cfg, torch.CPU)
		if err != nil {
			return nil, nil, err
		}
		return m, m.Params, nil
	}
	return nil, nil, fmt.Errorf("task %q: want classify, lm or tag", task)
}

// export writes the run's model.pt as a .safetensors file.
func export(dir, to string, stdout io.Writer) error {
	m, err := build(dir)
	if err != nil {
		return err
	}
	defer m.params.Drop()
	best := rundir.File{Name: rundir.BestFile} // older folders record no checksum
	var st rundir.State
	if err := m.run.ReadJSON(rundir.StateFile, &st); err == nil && st.BestWeights != nil {
		best.SHA256 = st.BestWeights.SHA256
	}
	path, err := m.run.Verify(best)
	if err != nil {
		return err
	}
	if err := m.params.Load(path); err != nil {
		return err
	}
	shape, err := json.Marshal(m.info.Model)
	if err != nil {
		return err
	}
	meta := map[string]string{"torchrnn_task": m.info.Task, "torchrnn_model": string(shape), "torchrnn_version": rundir.Version}
	if err := weights.SaveSafetensors(to, m.named, meta); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: %d tensors of a %s model from %s\n", to, len(m.named), m.info.Task, path)
	fmt.Fprintf(stdout, "its vocabulary (token id = line - 1, after the header) is %s\n", m.run.Path(m.info.Vocab))
	return nil
}

// importInto loads a PyTorch file into the model of c.run and writes it,
// with that run's config and vocabulary, as the new run folder c.out.
func importInto(c config, stdout io.Writer) (err error) {
	m, err := build(c.run)
	if err != nil {
		return err
	}
	defer m.params.Drop()
	sd, err := weights.ReadFile(c.from)
	if err != nil {
		return err
	}
	report, err := weights.Load(m.named, sd, c.opt)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, report)
	if c.dryRun {
		return nil
	}
	out, err := rundir.NewFolder(c.out, m.info.Task)
	if err != nil {
		return err
	}
	var written []string
	defer func() {
		if err != nil { // leave no half folder
			for _, p := range written {
				os.Remove(p)
			}
		}
	}()
	names := []string{rundir.ConfigFile, m.info.Vocab}
	if m.info.Task == "tag" && m.info.Model.Chars > 0 {
		names = append(names, rundir.CharsFile)
	}
	for _, name := range names {
		src, err := m.run.Inside(name)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(src)
		if err != nil {
			return err
		}
		dst := out.Path(name)
		if err := out.WriteFile(name, b); err != nil {
			return err
		}
		written = append(written, dst)
	}
	best := out.Path(rundir.BestFile)
	if err := m.params.Save(best); err != nil {
		return err
	}
	written = append(written, best)
	if err := rundir.CheckFinite(m.params, c.from); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (config and vocabulary of %s, weights from %s)\n", out.Dir, c.run, filepath.Base(c.from))
	return nil
}

// list prints a file's tensors: name, element type, shape.
func list(path string, stdout io.Writer) error {
	sd, err := weights.ReadFile(path)
	if err != nil {
		return err
	}
	for _, t := range sd.Tensors {
		fmt.Fprintf(stdout, "%-40s %-4s %v\n", t.Name, t.DType, t.Shape)
	}
	for _, s := range sd.Skipped {
		fmt.Fprintf(stdout, "%-40s skipped: not a dense tensor\n", s)
	}
	if len(sd.Metadata) > 0 {
		fmt.Fprintf(stdout, "metadata: %v\n", sd.Metadata)
	}
	return nil
}
