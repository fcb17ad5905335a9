package report

import (
	"math"
	"path/filepath"
	"testing"

	"gonum.org/v1/plot/plotter"
)

func TestDecades(t *testing.T) {
	ticks := decades{zero: 1e-46}.Ticks(1e-46, 1)
	labels := 0
	for _, tk := range ticks {
		if tk.Label != "" {
			labels++
		}
	}
	if len(ticks) != 47 || labels > 9 || ticks[0].Label != "0" || ticks[len(ticks)-1].Value != 1 {
		t.Errorf("%d ticks, %d labelled, first %q", len(ticks), labels, ticks[0].Label)
	}
	for _, tc := range []struct {
		e    float64
		want string
	}{{-2, "0.01"}, {3, "1000"}, {-20, "1e-20"}} {
		if got := power(tc.e); got != tc.want {
			t.Errorf("power(%g) = %q, want %q", tc.e, got, tc.want)
		}
	}
}

// TestPanelRanges: a single x value is widened, a flat y padded, log axes
// left alone, and a fixed x range kept.
func TestPanelRanges(t *testing.T) {
	for _, tc := range []struct {
		name                   string
		pn                     Panel
		xmin, xmax, ymin, ymax float64
	}{
		{"one point", Panel{Lines: []Line{{XY: plotter.XYs{{X: 3, Y: 2}}}}}, 2, 4, 1.8, 2.2},
		{"padded", Panel{Lines: []Line{{XY: plotter.XYs{{X: 1, Y: 0}, {X: 2, Y: 10}}}}}, 1, 2, -0.5, 10.5},
		{"fixed x, NaN left out", Panel{XMin: 1, XMax: 5, Lines: []Line{{XY: plotter.XYs{{X: 2, Y: 1}, {X: 3, Y: math.NaN()}, {X: 4, Y: 3}}}}}, 1, 5, 0.9, 3.1},
		{"log y floored", Panel{LogY: true, Floor: 1e-3, Lines: []Line{{XY: plotter.XYs{{X: 1, Y: 0}, {X: 2, Y: 10}}}}}, 1, 2, 1e-3, 10},
	} {
		p, err := tc.pn.plot()
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		for _, v := range []struct{ got, want float64 }{{p.X.Min, tc.xmin}, {p.X.Max, tc.xmax}, {p.Y.Min, tc.ymin}, {p.Y.Max, tc.ymax}} {
			if math.Abs(v.got-v.want) > 1e-9 {
				t.Errorf("%s: x [%g, %g], y [%g, %g]; want x [%g, %g], y [%g, %g]", tc.name,
					p.X.Min, p.X.Max, p.Y.Min, p.Y.Max, tc.xmin, tc.xmax, tc.ymin, tc.ymax)
				break
			}
		}
	}
}

// TestSavePNG draws a figure of log panels with a floor.
func TestSavePNG(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fig.png")
	logs := Panel{Title: "norms", LogX: true, LogY: true, Floor: 1e-46, Legend: BottomLeft,
		XTicks: Labelled([]float64{10, 100}),
		Lines:  []Line{{Name: "a", XY: plotter.XYs{{X: 10, Y: 1e-3}, {X: 100, Y: 0}}}, {Name: "b", XY: plotter.XYs{{X: 10, Y: 2}, {X: 100, Y: math.Inf(1)}}}}}
	acc := Panel{Title: "accuracy", LogX: true, Legend: BottomRight, Lines: []Line{{Name: "a", XY: plotter.XYs{{X: 10, Y: 100}, {X: 100, Y: 50}}}}}
	if err := SavePNG(path, "a figure", 600, 300, []Panel{logs, acc}); err != nil {
		t.Fatal(err)
	}
	checkSize(t, path, 600, 300)
}
