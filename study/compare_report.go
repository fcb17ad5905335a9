package study

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/torchrnn/torchrnn/report"
	"gonum.org/v1/plot/plotter"
)

const compareFormat = "%-12s %11s %6s %8s %9s %11s %9s"

// Table writes the comparison in fixed-width columns: parameters, epochs,
// wall time, training tokens per second, best validation accuracy and the
// test accuracy of that epoch's weights.
func (c *Comparison) Table(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, compareFormat+"\n", "cell", "parameters", "epochs", "time", "tok/s", "best valid", "test acc")
	for _, e := range c.Entries {
		fmt.Fprintf(&b, compareFormat+"\n", e.Name, report.Thousands(float64(e.Parameters)), fmt.Sprint(e.Epochs),
			clock(e.Seconds), report.Thousands(e.TokensPerSec),
			fmt.Sprintf("%.2f%%", 100*e.BestValidAcc), fmt.Sprintf("%.2f%%", 100*e.TestAcc))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Save writes compare.json and compare.png into dir.
func (c *Comparison) Save(dir string) error {
	if err := writeJSON(filepath.Join(dir, CompareJSON), c); err != nil {
		return err
	}
	return c.Plot(filepath.Join(dir, ComparePNG))
}

// Plot draws the validation accuracy per epoch, a line per entry.
func (c *Comparison) Plot(path string) error {
	if len(c.Entries) == 0 {
		return fmt.Errorf("study: plot %s: no runs", path)
	}
	acc := report.Panel{Title: "validation accuracy", XLabel: "epoch", YLabel: "accuracy (%)", XTicks: report.EpochTicks{}, Legend: report.BottomRight}
	for _, e := range c.Entries {
		l := report.Line{Name: e.Name}
		for i, a := range e.ValidAcc {
			l.XY = append(l.XY, plotter.XY{X: float64(i + 1), Y: 100 * a})
		}
		acc.Lines = append(acc.Lines, l)
	}
	data := c.Train.Data
	if data == "" {
		data = "built-in IMDB sample"
	}
	title := fmt.Sprintf("%s, hidden %d, max-len %d", data, c.Model.Hidden, c.Train.MaxLen)
	return report.SavePNG(path, title, 720, 460, []report.Panel{acc})
}

// clock writes seconds as 42.1s, else as report.Clock: 3m07s or 1h02m.
func clock(sec float64) string {
	if sec < 60 {
		return fmt.Sprintf("%.1fs", sec)
	}
	return report.Clock(time.Duration(sec * float64(time.Second)))
}
