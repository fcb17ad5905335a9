package report

import (
	"fmt"
	"image/color"
	"math"

	"github.com/torchrnn/torchrnn/rundir"
	"gonum.org/v1/plot/plotter"
)

// Size of the PNG written by PlotCurves.
const (
	plotWidthPx  = 1000
	plotHeightPx = 400
)

var (
	trainColor = palette[0] // blue
	validColor = palette[1] // orange
)

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
// NaN and infinite values are left out. The file is written atomically.
func PlotCurves(path string, epochs []rundir.Epoch, title string) error {
	if len(epochs) == 0 {
		return fmt.Errorf("report: plot %s: no epochs", path)
	}
	loss := epochPanel("loss", "loss", epochs, TopRight,
		pick("train", trainColor, epochs, func(e rundir.Epoch) float64 { return e.TrainLoss }),
		pick("valid", validColor, epochs, func(e rundir.Epoch) float64 { return e.ValidLoss }))
	return SavePNG(path, title, plotWidthPx, plotHeightPx, []Panel{loss, rightPanel(epochs)})
}

// rightPanel is validation BLEU for a translator, accuracy in % for a
// classifier, else validation perplexity.
func rightPanel(epochs []rundir.Epoch) Panel {
	for _, e := range epochs {
		if e.ValidBLEU > 0 {
			return epochPanel("BLEU", "BLEU (greedy)", epochs, BottomRight,
				pick("valid", validColor, epochs, func(e rundir.Epoch) float64 { return e.ValidBLEU }))
		}
	}
	hasAcc := anyTrainAcc(epochs)
	for _, e := range epochs {
		hasAcc = hasAcc || e.ValidAcc > 0
	}
	if hasAcc {
		var lines []Line
		if anyTrainAcc(epochs) { // a run may measure accuracy on validation only
			lines = append(lines, pick("train", trainColor, epochs, func(e rundir.Epoch) float64 { return 100 * e.TrainAcc }))
		}
		lines = append(lines, pick("valid", validColor, epochs, func(e rundir.Epoch) float64 { return 100 * e.ValidAcc }))
		return epochPanel("accuracy", "accuracy (%)", epochs, BottomRight, lines...) // accuracy rises toward the top right
	}
	return epochPanel("perplexity", "perplexity", epochs, TopRight,
		pick("valid", validColor, epochs, func(e rundir.Epoch) float64 {
			if e.ValidPPL > 0 {
				return e.ValidPPL
			}
			return math.Exp(e.ValidLoss) // ppl = exp(mean cross-entropy in nats)
		}))
}

// epochPanel is a panel over every epoch of epochs, whole epochs ticked.
func epochPanel(title, ylabel string, epochs []rundir.Epoch, legend Corner, lines ...Line) Panel {
	pn := Panel{Title: title, XLabel: "epoch", YLabel: ylabel, XTicks: EpochTicks{}, Legend: legend, Lines: lines,
		XMin: math.Inf(1), XMax: math.Inf(-1)}
	for _, e := range epochs {
		pn.XMin, pn.XMax = math.Min(pn.XMin, float64(e.Epoch)), math.Max(pn.XMax, float64(e.Epoch))
	}
	return pn
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

// pick makes a line of f over epochs.
func pick(name string, c color.Color, epochs []rundir.Epoch, f func(rundir.Epoch) float64) Line {
	l := Line{Name: name, Color: c}
	for _, e := range epochs {
		l.XY = append(l.XY, plotter.XY{X: float64(e.Epoch), Y: f(e)})
	}
	return l
}
