package study

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/torchrnn/torchrnn/internal/atomic"
	"github.com/torchrnn/torchrnn/report"
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
	if err := atomic.WriteJSON(path, v); err != nil {
		return fmt.Errorf("study: %w", err)
	}
	return nil
}

// Plot draws gradients.png against T: the first step's gradient norm at
// initialisation and after training, the largest gradient norm met in
// training (log-log), and the test accuracy.
func (rep *Report) Plot(path string) error {
	names, byName := rep.series()
	pick := func(f func(Row) float64) []report.Line {
		out := make([]report.Line, len(names))
		for i, n := range names {
			out[i].Name = n
			for _, r := range byName[n] {
				out[i].XY = append(out[i].XY, plotter.XY{X: float64(r.T), Y: f(r)})
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
	logs := report.Panel{XLabel: "sequence length T", YLabel: "‖∂L/∂x₀‖", LogX: true, LogY: true, XTicks: report.Labelled(ts), Floor: underflow}
	init, trained := logs, logs
	init.Title = "at initialisation"
	init.Lines = pick(func(r Row) float64 { return float64(r.Init.Input0) })
	trained.Title = fmt.Sprintf("after %d training steps", rep.Config.Steps)
	trained.Lines = pick(func(r Row) float64 { return float64(r.Trained.Input0) })
	grow := logs
	grow.Title, grow.YLabel, grow.Floor = "largest ‖∂L/∂θ‖ in training", "before clipping", 0
	grow.Lines = pick(func(r Row) float64 { return float64(r.MaxNorm) })
	acc := report.Panel{Title: "memory task accuracy", XLabel: "sequence length T", YLabel: "test accuracy (%)", LogX: true, XTicks: report.Labelled(ts), Legend: report.BottomLeft}
	acc.Lines = pick(func(r Row) float64 { return 100 * r.Accuracy })
	c := rep.Config
	title := fmt.Sprintf("memory task (the sign of x₀, after T steps): hidden %d, %s init, %d %s steps, %d seed(s)",
		c.Hidden, c.Init, c.Steps, c.Optimizer, c.Seeds)
	return report.SavePNG(path, title, 1500, 420, []report.Panel{init, trained, grow, acc})
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
