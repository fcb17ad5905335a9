package infer

import (
	"fmt"

	"github.com/torchrnn/torchrnn/rundir"
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
