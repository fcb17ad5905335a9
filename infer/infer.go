package infer

import (
	"fmt"

	"github.com/sugarme/gotch"
	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/rundir"
	"github.com/torchrnn/torchrnn/vocab"
)

// open opens the run folder dir, which must hold a run of task (what, for
// the error, with the program for other runs), and reads its text settings.
func open(dir, task, what string) (*rundir.Folder, *rundir.RunInfo, rundir.Text, error) {
	run, info, err := rundir.OpenFolder(dir)
	if err != nil {
		return nil, nil, rundir.Text{}, err
	}
	if info.Task != task {
		return nil, nil, rundir.Text{}, fmt.Errorf("infer: %s holds a %q run, not %s", dir, info.Task, what)
	}
	text, err := info.Text()
	return run, info, text, err
}

// load reads the run's vocabulary, builds its model with build on device
// and loads model.pt (the best epoch's weights) into the model's params,
// checking the files against the checksums the run recorded and the weights
// for values that are not finite.
func load[M any](run *rundir.Folder, info *rundir.RunInfo, device gotch.Device,
	build func(lstm.Config, gotch.Device) (M, error), params func(M) *lstm.Params) (*vocab.Vocab, M, error) {
	var m M
	vpath, err := run.Verify(rundir.File{Name: info.Vocab, SHA256: info.VocabSHA256})
	if err != nil {
		return nil, m, err
	}
	v, err := vocab.Load(vpath)
	if err != nil {
		return nil, m, err
	}
	if v.Len() != info.Model.Vocab {
		return nil, m, fmt.Errorf("infer: %s has %d tokens, the model %d: files of different runs?", run.Path(info.Vocab), v.Len(), info.Model.Vocab)
	}
	if m, err = build(info.Model, device); err != nil {
		return nil, m, fmt.Errorf("infer: %s: %w", run.Path(rundir.ConfigFile), err)
	}
	best := rundir.File{Name: rundir.BestFile} // no checksum in older folders
	var st rundir.State
	if err := run.ReadJSON(rundir.StateFile, &st); err == nil && st.BestWeights != nil {
		best.SHA256 = st.BestWeights.SHA256
	}
	path, err := run.Verify(best)
	if err != nil {
		return nil, m, err
	}
	if err := params(m).Load(path); err != nil {
		return nil, m, err
	}
	if err := rundir.CheckFinite(params(m), path); err != nil {
		return nil, m, err
	}
	return v, m, nil
}
