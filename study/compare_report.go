package study

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

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
		fmt.Fprintf(&b, compareFormat+"\n", e.Name, thousands(e.Parameters), fmt.Sprint(e.Epochs),
			clock(e.Seconds), thousands(int64(e.TokensPerSec+0.5)),
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
	acc := panel{title: "validation accuracy", xlabel: "epoch", ylabel: "accuracy (%)", legend: true, legendRight: true}
	most := 0
	for _, e := range c.Entries {
		l := line{name: e.Name}
		for i, a := range e.ValidAcc {
			l.xy = append(l.xy, plotter.XY{X: float64(i + 1), Y: 100 * a})
		}
		acc.lines, most = append(acc.lines, l), max(most, len(e.ValidAcc))
	}
	for ep := 1; ep <= most; ep++ {
		acc.xticks = append(acc.xticks, float64(ep))
	}
	data := c.Train.Data
	if data == "" {
		data = "built-in IMDB sample"
	}
	title := fmt.Sprintf("%s, hidden %d, max-len %d", data, c.Model.Hidden, c.Train.MaxLen)
	return savePNG(path, title, 720, 460, []panel{acc})
}

// thousands writes n with comma separators: 1234567 -> 1,234,567.
func thousands(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// clock writes seconds as 42.1s, 3m07s or 1h02m.
func clock(sec float64) string {
	d := time.Duration(sec * float64(time.Second))
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%.1fs", sec)
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}
