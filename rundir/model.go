package rundir

import (
	"fmt"

	"github.com/sugarme/gotch"
	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/vocab"
)

// LoadModel reads the run's vocabulary, builds its model with build on device
// and loads model.pt (the best epoch's weights) into the model's params,
// checking the files against the checksums the run recorded and the weights
// for values that are not finite. The caller owns the model: its weights
// stay on device until its Params are dropped.
func LoadModel[M any](run *Folder, info *RunInfo, device gotch.Device,
	build func(lstm.Config, gotch.Device) (M, error), params func(M) *lstm.Params) (*vocab.Vocab, M, error) {
	var m M
	vpath, err := run.Verify(File{Name: info.Vocab, SHA256: info.VocabSHA256})
	if err != nil {
		return nil, m, err
	}
	v, err := vocab.Load(vpath)
	if err != nil {
		return nil, m, err
	}
	if v.Len() != info.Model.Vocab {
		return nil, m, fmt.Errorf("rundir: %s has %d tokens, the model %d: files of different runs?", run.Path(info.Vocab), v.Len(), info.Model.Vocab)
	}
	if m, err = build(info.Model, device); err != nil {
		return nil, m, fmt.Errorf("rundir: %s: %w", run.Path(ConfigFile), err)
	}
	best := File{Name: BestFile} // no checksum in older folders
	var st State
	if err := run.ReadJSON(StateFile, &st); err == nil && st.BestWeights != nil {
		best.SHA256 = st.BestWeights.SHA256
	}
	path, err := run.Verify(best)
	if err != nil {
		return nil, m, err
	}
	if err := params(m).Load(path); err != nil {
		return nil, m, err
	}
	if err := CheckFinite(params(m), path); err != nil {
		return nil, m, err
	}
	return v, m, nil
}
