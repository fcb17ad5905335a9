package report

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

// Line is one labelled series of a panel.
type Line struct {
	Name  string
	Color color.Color // nil: the palette's colour for the line's place in the panel
	XY    plotter.XYs
}

// Corner is where a panel's legend goes.
type Corner int

const (
	NoLegend Corner = iota
	TopRight
	BottomLeft
	BottomRight
)

// Panel is one plot of a figure. NaN and infinite values are left out, and
// values not positive on a log axis, except that on a log y axis with a
// Floor, zeros are drawn at Floor, on a dashed line (an underflow, say).
type Panel struct {
	Title, XLabel, YLabel string
	LogX, LogY            bool        // log scales, ticked at powers of ten
	XTicks                plot.Ticker // nil: powers of ten on a log axis, else round values
	Floor                 float64
	Legend                Corner
	Lines                 []Line
	// XMin, XMax fix the x range when XMin < XMax; else it is the data's.
	// A linear axis that would be a single value is widened by 1 (x) or by
	// 10% of the value (y) each side; a linear y range is padded by 5%, so
	// that no point sits on the frame.
	XMin, XMax float64
}

// palette colours the lines of a panel in order (matplotlib's tab10).
var palette = []color.RGBA{
	{31, 119, 180, 255}, {255, 127, 14, 255}, {44, 160, 44, 255}, {214, 39, 40, 255},
	{148, 103, 189, 255}, {140, 86, 75, 255}, {227, 119, 194, 255}, {127, 127, 127, 255},
}

// SavePNG draws the panels side by side under title, width x height pixels, into a PNG at path, written atomically: a
// reader never sees a half-written file.
func SavePNG(path, title string, width, height int, panels []Panel) error {
	row := make([]*plot.Plot, len(panels))
	for i, pn := range panels {
		p, err := pn.plot()
		if err != nil {
			return fmt.Errorf("report: plot %s: %w", path, err)
		}
		row[i] = p
	}
	const dpi = 96
	img := vgimg.NewWith(vgimg.UseWH(vg.Length(width)*vg.Inch/dpi, vg.Length(height)*vg.Inch/dpi), vgimg.UseDPI(dpi))
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: 1, Cols: len(row), PadTop: drawTitle(&dc, title) + vg.Points(6),
		PadBottom: vg.Points(4), PadLeft: vg.Points(4), PadRight: vg.Points(8), PadX: vg.Points(24)}
	for i, p := range row { // one-line titles: the plot areas line up
		p.Draw(tiles.At(dc, i, 0))
	}
	if err := atomic.WriteTo(path, vgimg.PngCanvas{Canvas: img}); err != nil {
		return fmt.Errorf("report: plot: %w", err)
	}
	return nil
}

// drawTitle writes title centred along the top of dc and returns the height
// it took (0 for an empty title).
func drawTitle(dc *draw.Canvas, title string) vg.Length {
	if title == "" {
		return 0
	}
	sty := plot.New().Title.TextStyle
	sty.Font = font.From(plot.DefaultFont, vg.Points(14))
	pad := vg.Points(6)
	dc.FillText(sty, vg.Point{X: (dc.Min.X + dc.Max.X) / 2, Y: dc.Max.Y - pad}, title)
	return sty.Height(title) + pad
}

// plot builds the panel's gonum plot.
func (pn Panel) plot() (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = pn.Title, pn.XLabel, pn.YLabel
	p.Title.TextStyle.Font.Size = vg.Points(13)
	p.Add(plotter.NewGrid())
	pn.axes(p)
	floored := false
	for i, l := range pn.Lines {
		xy, hitFloor := pn.clean(l.XY)
		floored = floored || hitFloor
		if len(xy) == 0 {
			continue
		}
		ln, pts, err := plotter.NewLinePoints(xy)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", pn.Title, l.Name, err)
		}
		c := l.Color
		if c == nil {
			c = palette[i%len(palette)]
		}
		ln.Color, ln.Width = c, vg.Points(1.5)
		pts.Color, pts.Shape, pts.Radius = c, draw.CircleGlyph{}, vg.Points(2.5)
		p.Add(ln, pts)
		if pn.Legend != NoLegend {
			p.Legend.Add(l.Name, ln, pts)
		}
	}
	pn.ranges(p)
	if floored {
		if err := pn.addFloor(p); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// axes sets the scales, the tick marks and the legend's corner.
func (pn Panel) axes(p *plot.Plot) {
	p.X.Tick.Marker, p.Y.Tick.Marker = valueTicks{}, valueTicks{}
	if pn.LogX {
		p.X.Scale, p.X.Tick.Marker = plot.LogScale{}, decades{}
	}
	if pn.XTicks != nil {
		p.X.Tick.Marker = pn.XTicks
	}
	if pn.LogY {
		p.Y.Scale, p.Y.Tick.Marker = plot.LogScale{}, decades{zero: pn.Floor}
	}
	in := vg.Points(6) // keep the legend off the frame
	switch pn.Legend {
	case TopRight:
		p.Legend.Top, p.Legend.XOffs = true, -in
	case BottomRight:
		p.Legend.XOffs, p.Legend.YOffs = -in, in
	case BottomLeft:
		p.Legend.Left, p.Legend.XOffs, p.Legend.YOffs = true, in, in
	}
}

// ranges fixes the x range (XMin, XMax) and widens and pads the linear
// ranges (see Panel).
func (pn Panel) ranges(p *plot.Plot) {
	if pn.XMin < pn.XMax {
		p.X.Min, p.X.Max = pn.XMin, pn.XMax
	}
	if !pn.LogX && p.X.Min == p.X.Max {
		p.X.Min, p.X.Max = p.X.Min-1, p.X.Max+1
	}
	if pn.LogY {
		return
	}
	if p.Y.Min > p.Y.Max { // no data at all
		p.Y.Min, p.Y.Max = 0, 1
	}
	pad := 0.05 * (p.Y.Max - p.Y.Min)
	if pad == 0 {
		pad = math.Max(0.1*math.Abs(p.Y.Min), 0.01)
	}
	p.Y.Min, p.Y.Max = p.Y.Min-pad, p.Y.Max+pad
}

// clean leaves out NaN and infinite values, and non-positive ones on a log
// axis, except zeros on a log y axis, which go to the floor.
func (pn Panel) clean(in plotter.XYs) (out plotter.XYs, floored bool) {
	for _, v := range in {
		if !finite(v.X) || !finite(v.Y) || (pn.LogX && v.X <= 0) {
			continue
		}
		if pn.LogY && v.Y <= 0 {
			if v.Y < 0 || pn.Floor <= 0 {
				continue
			}
			v.Y, floored = pn.Floor, true
		}
		out = append(out, v)
	}
	return out, floored
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// addFloor draws the floor line across the panel.
func (pn Panel) addFloor(p *plot.Plot) error {
	ln, err := plotter.NewLine(plotter.XYs{{X: p.X.Min, Y: pn.Floor}, {X: p.X.Max, Y: pn.Floor}})
	if err != nil {
		return err
	}
	ln.Color, ln.Dashes = color.Gray{Y: 120}, []vg.Length{vg.Points(4), vg.Points(3)}
	p.Add(ln)
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

// Labelled ticks exactly the given values, each labelled.
func Labelled(values []float64) plot.ConstantTicks {
	ticks := make(plot.ConstantTicks, len(values))
	for i, v := range values {
		ticks[i] = plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', -1, 64)}
	}
	return ticks
}

// EpochTicks labels whole numbers only (epochs), at a step of 1, 2, 5, 10,
// 20, 50... chosen so that at most about 10 are labelled.
type EpochTicks struct{}

// Ticks implements plot.Ticker.
func (EpochTicks) Ticks(min, max float64) []plot.Tick {
	lo, hi := math.Ceil(min), math.Floor(max)
	if hi < lo {
		return nil
	}
	step := 1.0
	for i := 0; (hi-lo)/step > 10; i++ {
		step *= []float64{2, 2.5, 2}[i%3] // 1, 2, 5, 10, 20, 50, ...
	}
	var ticks []plot.Tick
	for v := math.Ceil(lo/step) * step; v <= hi; v += step {
		ticks = append(ticks, plot.Tick{Value: v, Label: strconv.Itoa(int(v))})
	}
	return ticks
}

// valueTicks is plot.DefaultTicks with labels given as many decimals as they
// need to be told apart: DefaultTicks labels 2.6, 2.65, 2.7 as "2.6", "2.6", "2.7".
type valueTicks struct{}

// Ticks implements plot.Ticker.
func (valueTicks) Ticks(min, max float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(min, max)
	prec := 0
	for _, t := range ticks {
		for ; t.Label != "" && prec < 6; prec++ {
			r := math.Pow10(prec)
			if math.Abs(math.Round(t.Value*r)/r-t.Value) <= 1e-9*math.Max(1, math.Abs(t.Value)) {
				break
			}
		}
	}
	for i, t := range ticks {
		if t.Label != "" {
			ticks[i].Label = strconv.FormatFloat(t.Value, 'f', prec, 64)
		}
	}
	return ticks
}
