package report

import (
	"fmt"
	"image/color"

	"github.com/torchrnn/torchrnn/internal/atomic"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// attentionGrid is weights [output][source] as a plotter.GridXYZ: source
// tokens left to right, output tokens top to bottom.
type attentionGrid [][]float32

func (g attentionGrid) Dims() (c, r int)   { return len(g[0]), len(g) }
func (g attentionGrid) Z(c, r int) float64 { return float64(g[len(g)-1-r][c]) }
func (g attentionGrid) X(c int) float64    { return float64(c) }
func (g attentionGrid) Y(r int) float64    { return float64(r) }

// SaveAttention draws attention weights as a heat map into a PNG at path
// (written atomically): one column per source token, one row per output
// token (top to bottom), white for 0 and dark for 1. weights has one row
// per output token, each as long as source.
func SaveAttention(path, title string, source, output []string, weights [][]float32) error {
	if len(weights) == 0 || len(weights) != len(output) {
		return fmt.Errorf("report: attention: %d rows of weights for %d output tokens", len(weights), len(output))
	}
	for i, row := range weights {
		if len(row) != len(source) {
			return fmt.Errorf("report: attention: row %d has %d weights for %d source tokens", i, len(row), len(source))
		}
	}
	p := plot.New()
	p.Title.Text = title
	h := plotter.NewHeatMap(attentionGrid(weights), grey{})
	h.Min, h.Max = 0, 1
	p.Add(h)
	xs := make([]plot.Tick, len(source))
	for i, s := range source {
		xs[i] = plot.Tick{Value: float64(i), Label: s}
	}
	ys := make([]plot.Tick, len(output))
	for i, s := range output {
		ys[len(output)-1-i] = plot.Tick{Value: float64(len(output) - 1 - i), Label: s}
	}
	p.X.Tick.Marker = plot.ConstantTicks(xs)
	p.X.Tick.Label.Rotation = 3.14159 / 3
	p.X.Tick.Label.XAlign = draw.XRight
	p.X.Tick.Label.YAlign = draw.YCenter
	p.Y.Tick.Marker = plot.ConstantTicks(ys)
	p.X.Label.Text, p.Y.Label.Text = "source", "translation"
	p.X.Min, p.X.Max = -0.5, float64(len(source))-0.5
	p.Y.Min, p.Y.Max = -0.5, float64(len(output))-0.5
	const cell = 28 // pixels per token
	const dpi = 96
	w, hgt := vg.Length(120+cell*len(source)), vg.Length(120+cell*len(output))
	img := vgimg.NewWith(vgimg.UseWH(w*vg.Inch/dpi, hgt*vg.Inch/dpi), vgimg.UseDPI(dpi))
	c := draw.New(img)
	p.Draw(draw.Crop(c, 0, -vg.Points(10), 0, -vg.Points(4))) // room right of the last column
	if err := atomic.WriteTo(path, vgimg.PngCanvas{Canvas: img}); err != nil {
		return fmt.Errorf("report: attention: %w", err)
	}
	return nil
}

// grey is a palette from white (0) to near black (1).
type grey struct{}

func (grey) Colors() []color.Color {
	cs := make([]color.Color, 64)
	for i := range cs {
		v := uint8(255 - i*240/63)
		cs[i] = color.RGBA{v, v, v, 255}
	}
	return cs
}
