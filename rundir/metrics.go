package rundir

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"

	"github.com/torchrnn/torchrnn/internal/atomic"
)

// AppendMetrics adds one epoch to metrics.jsonl and its times to
// times.jsonl. Lines of epochs at or after e.Epoch (left by an interrupted
// run) are dropped first.
func (r *Folder) AppendMetrics(e Epoch) error {
	old, err := r.Metrics()
	if err != nil {
		return err
	}
	return r.writeMetrics(append(keep(old, e.Epoch-1), e))
}

// truncateMetrics keeps the lines of the first epochs.
func (r *Folder) truncateMetrics(epochs int) error {
	old, err := r.Metrics()
	if err != nil {
		return err
	}
	if len(keep(old, epochs)) == len(old) {
		return nil
	}
	return r.writeMetrics(keep(old, epochs))
}

func keep(epochs []Epoch, last int) []Epoch {
	var out []Epoch
	for _, e := range epochs {
		if e.Epoch <= last {
			out = append(out, e)
		}
	}
	return out
}

func (r *Folder) writeMetrics(epochs []Epoch) error {
	var m, t bytes.Buffer
	for _, e := range epochs {
		line, err := json.Marshal(e)
		if err != nil {
			return fmt.Errorf("rundir: epoch %d: %w", e.Epoch, err)
		}
		m.Write(append(line, '\n'))
		line, _ = json.Marshal(times{e.Epoch, finiteOr0(e.Seconds), finiteOr0(e.TokensPerSec)})
		t.Write(append(line, '\n'))
	}
	if err := atomic.WriteFile(r.Path(TimesFile), t.Bytes()); err != nil {
		return fmt.Errorf("rundir: %w", err)
	}
	if err := atomic.WriteFile(r.Path(MetricsFile), m.Bytes()); err != nil {
		return fmt.Errorf("rundir: %w", err)
	}
	return nil
}

func finiteOr0(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}

// Metrics reads metrics.jsonl, with the times of times.jsonl; a missing
// file is no epochs.
func (r *Folder) Metrics() ([]Epoch, error) {
	var out []Epoch
	err := r.readLines(MetricsFile, func(line []byte) error {
		var e Epoch
		var t times // older metrics.jsonl held them
		if err := json.Unmarshal(line, &e); err != nil {
			return err
		}
		json.Unmarshal(line, &t)
		e.Seconds, e.TokensPerSec = t.Seconds, t.TokensPerSec
		out = append(out, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	byEpoch := map[int]times{}
	err = r.readLines(TimesFile, func(line []byte) error {
		var t times
		if err := json.Unmarshal(line, &t); err != nil {
			return err
		}
		byEpoch[t.Epoch] = t
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i, e := range out {
		if t, ok := byEpoch[e.Epoch]; ok {
			out[i].Seconds, out[i].TokensPerSec = t.Seconds, t.TokensPerSec
		}
	}
	return out, nil
}

// readLines calls f with each line of a file of the run; a missing file
// has none.
func (r *Folder) readLines(name string, f func([]byte) error) error {
	file, err := os.Open(r.Path(name))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("rundir: %w", err)
	}
	defer file.Close()
	sc := bufio.NewScanner(file)
	for line := 1; sc.Scan(); line++ {
		if err := f(sc.Bytes()); err != nil {
			return fmt.Errorf("rundir: %s:%d: %w", r.Path(name), line, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("rundir: %s: %w", r.Path(name), err)
	}
	return nil
}
