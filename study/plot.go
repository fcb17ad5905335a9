package study

import (
	"fmt"
	"image/color"
	"math"
	"strconv"

	"github.com/torchrnn/torchrnn/internal/atomic"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// line is one labelled series of a panel.
type line struct {
	name string
	xy   plotter.XYs
}

// panel is one plot of a figure. On a log y axis, zeros are drawn at floor
// (on a dashed line: "0, underflow") and NaN or infinite values are left out.
type panel struct {
	title, xlabel, ylabel string
	logX, logY            bool
	xticks                []float64 // labelled x values; nil: gonum's
	floor                 float64
	legend                bool // a legend, at the bottom left
	legendRight           bool // at the bottom right instead
	lines                 []line
}

// palette colours the lines of a panel in order (matplotlib's tab10).
var palette = []color.RGBA{
	{31, 119, 180, 255}, {255, 127, 14, 255}, {44, 160, 44, 255}, {214, 39, 40, 255},
	{148, 103, 189, 255}, {140, 86, 75, 255}, {227, 119, 194, 255}, {127, 127, 127, 255},
}

// savePNG draws the panels side by side under title, width x height
// pixels, into a PNG at path, written atomically.
func savePNG(path, title string, width, height int, panels []panel) error {
	row := make([]*plot.Plot, len(panels))
	for i, pn := range panels {
		p, err := pn.plot()
		if err != nil {
			return fmt.Errorf("study: plot %s: %w", path, err)
		}
		row[i] = p
	}
	const dpi = 96
	img := vgimg.NewWith(vgimg.UseWH(vg.Length(width)*vg.Inch/dpi, vg.Length(height)*vg.Inch/dpi), vgimg.UseDPI(dpi))
	dc := draw.New(img)
	sty := plot.New().Title.TextStyle
	sty.Font = font.From(plot.DefaultFont, vg.Points(14))
	dc.FillText(sty, vg.Point{X: (dc.Min.X + dc.Max.X) / 2, Y: dc.Max.Y - vg.Points(6)}, title)
	tiles := draw.Tiles{Rows: 1, Cols: len(row), PadTop: sty.Height(title) + vg.Points(20),
		PadBottom: vg.Points(4), PadLeft: vg.Points(4), PadRight: vg.Points(8), PadX: vg.Points(20)}
	for i, p := range row { // one-line titles: the plot areas line up
		p.Draw(tiles.At(dc, i, 0))
	}
	png := vgimg.PngCanvas{Canvas: img}
	if err := atomic.WriteTo(path, png); err != nil {
		return fmt.Errorf("study: plot: %w", err)
	}
	return nil
}

// plot builds the panel's gonum plot.
func (pn panel) plot() (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = pn.title, pn.xlabel, pn.ylabel
	p.Title.TextStyle.Font.Size = vg.Points(12)
	p.Add(plotter.NewGrid())
	p.Legend.Top, p.Legend.Left = false, !pn.legendRight
	p.Legend.XOffs, p.Legend.YOffs = vg.Points(6), vg.Points(6)
	if pn.legendRight {
		p.Legend.XOffs = -vg.Points(6)
	}
	if pn.logX {
		p.X.Scale, p.X.Tick.Marker = plot.LogScale{}, decades{}
	}
	if pn.xticks != nil {
		p.X.Tick.Marker = labelled(pn.xticks)
	}
	if pn.logY {
		p.Y.Scale, p.Y.Tick.Marker = plot.LogScale{}, decades{zero: pn.floor}
	}
	floored := false
	for i, l := range pn.lines {
		xy, hitFloor := pn.clean(l.xy)
		floored = floored || hitFloor
		if len(xy) == 0 {
			continue
		}
		ln, pts, err := plotter.NewLinePoints(xy)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", pn.title, l.name, err)
		}
		c := palette[i%len(palette)]
		ln.Color, ln.Width = c, vg.Points(1.5)
		pts.Color, pts.Shape, pts.Radius = c, draw.CircleGlyph{}, vg.Points(2.5)
		p.Add(ln, pts)
		if pn.legend {
			p.Legend.Add(l.name, ln, pts)
		}
	}
	if floored {
		if err := pn.addFloor(p); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// clean leaves out NaN and infinite values, and non-positive ones on a log
// axis, except zeros on a log y axis, which go to the floor.
func (pn panel) clean(in plotter.XYs) (out plotter.XYs, floored bool) {
	for _, v := range in {
		if bad(v.X) || bad(v.Y) || (pn.logX && v.X <= 0) {
			continue
		}
		if pn.logY && v.Y <= 0 {
			if v.Y < 0 || pn.floor <= 0 {
				continue
			}
			v.Y, floored = pn.floor, true
		}
		out = append(out, v)
	}
	return out, floored
}

// addFloor draws the underflow line across the panel.
func (pn panel) addFloor(p *plot.Plot) error {
	lo, hi := p.X.Min, p.X.Max
	ln, err := plotter.NewLine(plotter.XYs{{X: lo, Y: pn.floor}, {X: hi, Y: pn.floor}})
	if err != nil {
		return err
	}
	ln.Color, ln.Dashes = color.Gray{Y: 120}, []vg.Length{vg.Points(4), vg.Points(3)}
	p.Add(ln)
	if pn.legend {
		p.Legend.Add("0 (float32 underflow)", ln)
	}
	return nil
}

// decades labels the powers of ten on a log axis, at most about 8 of them
// from the lowest up; the value zero stands for 0 is labelled "0".
type decades struct{ zero float64 }

// Ticks implements plot.Ticker.
func (d decades) Ticks(min, max float64) []plot.Tick {
	if !(min > 0) || !(max > min) {
		return nil
	}
	lo, hi := math.Ceil(math.Log10(min)), math.Floor(math.Log10(max))
	step := math.Max(1, math.Ceil((hi-lo)/8))
	var ticks []plot.Tick
	for e := lo; e <= hi; e++ {
		t := plot.Tick{Value: math.Pow(10, e)}
		if math.Mod(e-lo, step) == 0 {
			t.Label = power(e)
		}
		if d.zero > 0 && math.Abs(math.Log10(d.zero)-e) < 1e-9 {
			t.Label = "0"
		}
		ticks = append(ticks, t)
	}
	return ticks
}

// power writes 10^e plainly from 0.001 to 1000, else as 1e-20.
func power(e float64) string {
	if e >= -3 && e <= 3 {
		return strconv.FormatFloat(math.Pow(10, e), 'f', -1, 64)
	}
	return fmt.Sprintf("1e%d", int(e))
}

// labelled ticks exactly the given values.
func labelled(values []float64) plot.ConstantTicks {
	ticks := make(plot.ConstantTicks, len(values))
	for i, v := range values {
		ticks[i] = plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', -1, 64)}
	}
	return ticks
}
