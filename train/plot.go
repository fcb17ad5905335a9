package train

import (
	"fmt"
	"github.com/torchrnn/torchrnn/internal/atomic"
	"github.com/torchrnn/torchrnn/rundir"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Size of the PNG written by PlotCurves.
const (
	plotWidthPx  = 1000
	plotHeightPx = 400
	plotDPI      = 96
)

var (
	trainColor = color.RGBA{R: 31, G: 119, B: 180, A: 255} // blue
	validColor = color.RGBA{R: 255, G: 127, B: 14, A: 255} // orange
)

// series is one labelled line of a panel: y[i] was measured at epoch x[i].
type series struct {
	name  string
	color color.Color
	xy    plotter.XYs
}

// PlotCurves draws the learning curves of epochs as a PNG at path, two panels
// side by side under title:
//
//	                          title
//	+----------------------+  +----------------------+
//	| loss: train, valid   |  | classifier:          |
//	|                      |  |   accuracy (%): train, valid
//	|                      |  | language model:      |
//	|                      |  |   perplexity: valid  |
//	+----------------------+  +----------------------+
//	         epoch                     epoch
//
// NaN and infinite values are left out. The image is rendered to a temporary
// file in the folder of path and renamed over path, so a reader never sees a
// half-written file.
func PlotCurves(path string, epochs []rundir.Epoch, title string) error {
	if len(epochs) == 0 {
		return fmt.Errorf("train: plot %s: no epochs", path)
	}
	loss, err := newPanel("loss", "loss", epochs, []series{
		pick("train", trainColor, epochs, func(e rundir.Epoch) float64 { return e.TrainLoss }),
		pick("valid", validColor, epochs, func(e rundir.Epoch) float64 { return e.ValidLoss }),
	})
	if err != nil {
		return fmt.Errorf("train: plot %s: %w", path, err)
	}
	right, err := rightPanel(epochs)
	if err != nil {
		return fmt.Errorf("train: plot %s: %w", path, err)
	}

	img := vgimg.NewWith(
		vgimg.UseWH(plotWidthPx*vg.Inch/plotDPI, plotHeightPx*vg.Inch/plotDPI),
		vgimg.UseDPI(plotDPI),
	)
	dc := draw.New(img)
	top := drawTitle(&dc, title)
	tiles := draw.Tiles{
		Rows: 1, Cols: 2,
		PadTop: top + vg.Points(4), PadBottom: vg.Points(4),
		PadLeft: vg.Points(4), PadRight: vg.Points(8),
		PadX: vg.Points(24),
	}
	cells := plot.Align([][]*plot.Plot{{loss, right}}, tiles, dc)
	loss.Draw(cells[0][0])
	right.Draw(cells[0][1])

	png := vgimg.PngCanvas{Canvas: img}
	if err := atomic.WriteTo(path, png); err != nil {
		return fmt.Errorf("train: plot %s: %w", path, err)
	}
	return nil
}

// rightPanel is accuracy in % for a classifier, else validation perplexity.
func rightPanel(epochs []rundir.Epoch) (*plot.Plot, error) {
	hasAcc := anyTrainAcc(epochs)
	for _, e := range epochs {
		hasAcc = hasAcc || e.ValidAcc > 0
	}
	if hasAcc {
		var lines []series
		if anyTrainAcc(epochs) { // a run may measure accuracy on validation only
			lines = append(lines, pick("train", trainColor, epochs, func(e rundir.Epoch) float64 { return 100 * e.TrainAcc }))
		}
		lines = append(lines, pick("valid", validColor, epochs, func(e rundir.Epoch) float64 { return 100 * e.ValidAcc }))
		p, err := newPanel("accuracy", "accuracy (%)", epochs, lines)
		if err == nil {
			p.Legend.Top = false // accuracy rises toward the top right
		}
		return p, err
	}
	return newPanel("perplexity", "perplexity", epochs, []series{
		pick("valid", validColor, epochs, func(e rundir.Epoch) float64 {
			if e.ValidPPL > 0 {
				return e.ValidPPL
			}
			return math.Exp(e.ValidLoss) // ppl = exp(mean cross-entropy in nats)
		}),
	})
}

// anyTrainAcc reports whether some epoch measured training accuracy.
func anyTrainAcc(epochs []rundir.Epoch) bool {
	for _, e := range epochs {
		if e.TrainAcc > 0 {
			return true
		}
	}
	return false
}

// pick makes a series of f over epochs, leaving out NaN and ±Inf.
func pick(name string, c color.Color, epochs []rundir.Epoch, f func(rundir.Epoch) float64) series {
	s := series{name: name, color: c}
	for _, e := range epochs {
		y := f(e)
		if math.IsNaN(y) || math.IsInf(y, 0) {
			continue
		}
		s.xy = append(s.xy, plotter.XY{X: float64(e.Epoch), Y: y})
	}
	return s
}

// newPanel makes one plot with a grid, a line with points per series and a
// legend.
func newPanel(title, ylabel string, epochs []rundir.Epoch, lines []series) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = vg.Points(13)
	p.X.Label.Text = "epoch"
	p.Y.Label.Text = ylabel
	p.X.Tick.Marker = epochTicks{}
	p.Y.Tick.Marker = valueTicks{}
	p.Legend.Top = true
	p.Legend.XOffs = -vg.Points(6) // keep the legend off the right edge
	p.Add(plotter.NewGrid())
	for _, s := range lines {
		if len(s.xy) == 0 {
			continue
		}
		l, pts, err := plotter.NewLinePoints(s.xy)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", title, s.name, err)
		}
		l.Color, l.Width = s.color, vg.Points(1.5)
		pts.Color, pts.Shape, pts.Radius = s.color, draw.CircleGlyph{}, vg.Points(2.5)
		p.Add(l, pts)
		p.Legend.Add(s.name, l, pts)
	}
	setRanges(p, epochs)
	return p, nil
}

// setRanges fixes the x axis to the epochs and pads the y range by 5% (10% of
// the value when it is a single value), so a single epoch still gets a
// readable plot and no point sits on the frame.
func setRanges(p *plot.Plot, epochs []rundir.Epoch) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, e := range epochs {
		lo, hi = math.Min(lo, float64(e.Epoch)), math.Max(hi, float64(e.Epoch))
	}
	if lo == hi {
		lo, hi = lo-1, hi+1
	}
	p.X.Min, p.X.Max = lo, hi
	if p.Y.Min > p.Y.Max { // no data at all
		p.Y.Min, p.Y.Max = 0, 1
	}
	pad := 0.05 * (p.Y.Max - p.Y.Min)
	if pad == 0 {
		pad = math.Max(0.1*math.Abs(p.Y.Min), 0.01)
	}
	p.Y.Min, p.Y.Max = p.Y.Min-pad, p.Y.Max+pad
}

// drawTitle writes title centred along the top of dc and returns the height
// it took (0 for an empty title).
func drawTitle(dc *draw.Canvas, title string) vg.Length {
	if title == "" {
		return 0
	}
	sty := plot.New().Title.TextStyle
	sty.Font = font.From(plot.DefaultFont, vg.Points(15))
	pad := vg.Points(6)
	pt := vg.Point{X: (dc.Min.X + dc.Max.X) / 2, Y: dc.Max.Y - pad}
	dc.FillText(sty, pt, title)
	return sty.Height(title) + pad
}

// epochTicks labels whole epochs only, at a step of 1, 2, 5, 10, 20, 50...
// chosen so that at most about 10 are labelled.
type epochTicks struct{}

// Ticks implements plot.Ticker.
func (epochTicks) Ticks(min, max float64) []plot.Tick {
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
