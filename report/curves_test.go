package report

import (
	"image"
	_ "image/png" // registers the PNG decoder for image.DecodeConfig
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/torchrnn/torchrnn/rundir"
)

// classifierEpochs is n epochs of a classifier whose loss falls and accuracy rises.
func classifierEpochs(n int) []rundir.Epoch {
	var es []rundir.Epoch
	for i := 1; i <= n; i++ {
		f := float64(i)
		es = append(es, rundir.Epoch{
			Epoch: i, TrainLoss: 0.7 / f, TrainAcc: 1 - 0.4/f,
			ValidLoss: 0.6/f + 0.05, ValidAcc: 0.95 - 0.35/f,
			Seconds: 120, TokensPerSec: 12345, LR: 1e-3,
		})
	}
	return es
}

// lmEpochs is n epochs of a character language model.
func lmEpochs(n int) []rundir.Epoch {
	var es []rundir.Epoch
	for i := 1; i <= n; i++ {
		v := 1.2 + 1.5/float64(i)
		es = append(es, rundir.Epoch{
			Epoch: i, TrainLoss: v - 0.1, ValidLoss: v,
			ValidPPL: math.Exp(v), ValidBPC: v / math.Ln2,
			Seconds: 60, TokensPerSec: 812345, LR: 20,
		})
	}
	return es
}

func TestPlotCurves(t *testing.T) {
	nan := lmEpochs(3)
	nan[2].ValidLoss, nan[2].ValidPPL = math.NaN(), math.Inf(1)
	for _, tc := range []struct {
		name   string
		epochs []rundir.Epoch
	}{
		{"classifier-1", classifierEpochs(1)},
		{"classifier-5", classifierEpochs(5)},
		{"classifier-40", classifierEpochs(40)},
		{"lm-1", lmEpochs(1)},
		{"lm-5", lmEpochs(5)},
		{"lm-nan", nan},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "curves.png")
			if err := PlotCurves(path, tc.epochs, "imdb lstm "+tc.name); err != nil {
				t.Fatal(err)
			}
			checkPNG(t, path)
			if out := os.Getenv("PLOT_OUT"); out != "" { // to look at the result
				b, _ := os.ReadFile(path)
				os.WriteFile(filepath.Join(out, tc.name+".png"), b, 0o644)
			}
			left, _ := filepath.Glob(filepath.Join(dir, ".*.tmp"))
			if len(left) != 0 {
				t.Errorf("temporary files left behind: %v", left)
			}
		})
	}
}

// checkPNG fails t unless path is a PNG of plotWidthPx x plotHeightPx.
func checkPNG(t *testing.T, path string) {
	t.Helper()
	checkSize(t, path, plotWidthPx, plotHeightPx)
}

// checkSize fails t unless path is a PNG of width x height pixels.
func checkSize(t *testing.T, path string, width, height int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, format, err := image.DecodeConfig(f)
	if err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	if format != "png" || cfg.Width != width || cfg.Height != height {
		t.Errorf("got %s %dx%d, want png %dx%d", format, cfg.Width, cfg.Height, width, height)
	}
}

func TestPlotCurvesOverwrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "curves.png")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := PlotCurves(path, classifierEpochs(2), ""); err != nil {
		t.Fatal(err)
	}
	checkPNG(t, path)
}

func TestPlotCurvesErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no", "such", "dir", "curves.png")
	if err := PlotCurves(missing, classifierEpochs(3), "x"); err == nil {
		t.Error("missing folder: want an error")
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("missing folder: file exists: %v", err)
	}
	empty := filepath.Join(t.TempDir(), "curves.png")
	if err := PlotCurves(empty, nil, "x"); err == nil {
		t.Error("no epochs: want an error")
	}
}

func TestValueTicks(t *testing.T) {
	var got []string
	for _, tk := range (valueTicks{}).Ticks(2.59, 2.71) {
		if tk.Label != "" {
			got = append(got, tk.Label)
		}
	}
	for i := 1; i < len(got); i++ {
		if got[i] == got[i-1] {
			t.Errorf("labels %q repeat", got)
		}
	}
	if len(got) < 2 {
		t.Errorf("labels %q: want at least 2", got)
	}
}

func TestEpochTicks(t *testing.T) {
	for _, tc := range []struct {
		min, max float64
		want     []float64
	}{
		{0, 2, []float64{0, 1, 2}},
		{1, 5, []float64{1, 2, 3, 4, 5}},
		{1, 40, []float64{5, 10, 15, 20, 25, 30, 35, 40}},
		{0.5, 0.9, nil},
	} {
		var got []float64
		for _, tk := range (EpochTicks{}).Ticks(tc.min, tc.max) {
			got = append(got, tk.Value)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("Ticks(%v, %v) = %v, want %v", tc.min, tc.max, got, tc.want)
		}
	}
}
