package study

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/torchrnn/torchrnn/internal/atomic"
	"gonum.org/v1/plot/plotter"
)

// Files of a study folder.
const (
	GradientsJSON = "gradients.json" // Report
	GradientsPNG  = "gradients.png"  // norms and accuracy against T
)

const rowFormat = "%-16s %5s %10s %10s %11s %11s %9s %7s %4s %7s"

// RowHeader is the header of Row.Line's columns.
func RowHeader() string {
	return fmt.Sprintf(rowFormat, "cell", "T", "x0 init", "Whh init", "x0 trained", "Whh trained", "max|g|", "acc", "div", "time")
}

// Legend explains RowHeader's columns.
const Legend = `x0, Whh: norms of the loss's gradient w.r.t. the first input step and the
recurrent weights (0: below float32's range), at initialisation and after
training, geometric means over the seeds; max|g|: largest gradient norm in
training (before clipping); acc: test accuracy, mean over the seeds; div:
seeds whose training diverged.`

// Line is the row in fixed-width columns: gradient norms at initialisation
// and after training, the largest norm met in training, the test accuracy,
// how many seeds diverged and the row's time.
func (r Row) Line() string {
	return fmt.Sprintf(rowFormat, r.Name, fmt.Sprint(r.T),
		sci(r.Init.Input0), sci(r.Init.WHH), sci(r.Trained.Input0), sci(r.Trained.WHH),
		sci(r.MaxNorm), fmt.Sprintf("%.1f%%", 100*r.Accuracy), fmt.Sprintf("%d/%d", r.Diverged, len(r.Runs)),
		fmt.Sprintf("%.1fs", r.Seconds))
}

// sci prints a norm in scientific notation; 0 is an underflow.
func sci(v Num) string {
	if v == 0 {
		return "0"
	}
	return fmt.Sprintf("%.2e", float64(v))
}

// Table writes the header and every row.
func (rep *Report) Table(w io.Writer) error {
	var b strings.Builder
	b.WriteString(RowHeader() + "\n")
	for _, r := range rep.Rows {
		b.WriteString(r.Line() + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Save writes gradients.json and gradients.png into dir.
func (rep *Report) Save(dir string) error {
	if err := writeJSON(filepath.Join(dir, GradientsJSON), rep); err != nil {
		return err
	}
	return rep.Plot(filepath.Join(dir, GradientsPNG))
}

// writeJSON writes v as indented JSON to path, atomically.
func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("study: %s: %w", path, err)
	}
	if err := atomic.WriteFile(path, append(b, '\n')); err != nil {
		return fmt.Errorf("study: %w", err)
	}
	return nil
}

// Plot draws gradients.png against T: the first step's gradient norm at
// initialisation and after training, the largest gradient norm met in
// training (log-log), and the test accuracy.
func (rep *Report) Plot(path string) error {
	names, byName := rep.series()
	pick := func(f func(Row) float64) []line {
		out := make([]line, len(names))
		for i, n := range names {
			out[i].name = n
			for _, r := range byName[n] {
				out[i].xy = append(out[i].xy, plotter.XY{X: float64(r.T), Y: f(r)})
			}
		}
		return out
	}
	var ts []float64
	for _, T := range append(append([]int{}, rep.Config.Lengths...), rep.Config.ReLU...) {
		if !slices.Contains(ts, float64(T)) {
			ts = append(ts, float64(T))
		}
	}
	logs := panel{xlabel: "sequence length T", ylabel: "‖∂L/∂x₀‖", logX: true, logY: true, xticks: ts, floor: underflow}
	init, trained := logs, logs
	init.title = "at initialisation"
	init.lines = pick(func(r Row) float64 { return float64(r.Init.Input0) })
	trained.title = fmt.Sprintf("after %d training steps", rep.Config.Steps)
	trained.lines = pick(func(r Row) float64 { return float64(r.Trained.Input0) })
	grow := logs
	grow.title, grow.ylabel, grow.floor = "largest ‖∂L/∂θ‖ in training", "before clipping", 0
	grow.lines = pick(func(r Row) float64 { return float64(r.MaxNorm) })
	acc := panel{title: "memory task accuracy", xlabel: "sequence length T", ylabel: "test accuracy (%)", logX: true, xticks: ts, legend: true}
	acc.lines = pick(func(r Row) float64 { return 100 * r.Accuracy })
	c := rep.Config
	title := fmt.Sprintf("memory task (the sign of x₀, after T steps): hidden %d, %s init, %d %s steps, %d seed(s)",
		c.Hidden, c.Init, c.Steps, c.Optimizer, c.Seeds)
	return savePNG(path, title, 1500, 420, []panel{init, trained, grow, acc})
}

// underflow stands for 0 on a log axis: below float32's smallest
// subnormal (1.4e-45), where libtorch's gradients become exactly 0.
const underflow = 1e-46

// series groups the rows by name, names in order of first appearance.
func (rep *Report) series() ([]string, map[string][]Row) {
	var names []string
	by := map[string][]Row{}
	for _, r := range rep.Rows {
		if _, ok := by[r.Name]; !ok {
			names = append(names, r.Name)
		}
		by[r.Name] = append(by[r.Name], r)
	}
	return names, by
}
