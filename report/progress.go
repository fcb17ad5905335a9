// Package report shows how training goes: a progress bar, or plain
// fixed-width lines, per phase of an epoch (Progress); a summary line per
// epoch (EpochLine); learning curves (PlotCurves); and the figures
// (Panel, SavePNG) and number formats (Thousands, Clock) that package
// study's tables and plots share with them.
package report

import (
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/torchrnn/torchrnn/rundir"
	"golang.org/x/term"
)

// Progress reports how far one phase ("train", "valid", "test") of one epoch
// has got. On a terminal it draws a progress bar; anywhere else (a file, a CI
// log) it prints one fixed-width line per interval and a last one at Finish:
//
//	train  epoch  3  batch  120/ 625  19%  loss 0.4123  acc 81.20%     12,345 tok/s  eta   1m02s
//	train  epoch  3  batch  625/ 625 100%  loss 0.3121  acc 86.90%     12,401 tok/s  took  5m15s
//
// A Progress is not safe for concurrent use.
type Progress struct {
	w     io.Writer
	phase string
	epoch int
	total int           // batches in the phase; <= 0: unknown
	every time.Duration // between plain lines
	bar   *progressbar.ProgressBar
	now   func() time.Time

	start, last time.Time // phase start, last plain line
	done        int
	loss, acc   float64 // running means; acc < 0: none
	tokens      int64
	finished    bool
}

// NewProgress reports on w the progress of a phase ("train", "valid", "test")
// over total batches. When w is a terminal it draws a bar whose description
// shows loss, accuracy (when >= 0) and tokens/s; otherwise it prints one plain
// fixed-width line every `every` and always a last one at Finish.
func NewProgress(w io.Writer, phase string, epoch, total int, every time.Duration) *Progress {
	return newProgress(w, phase, epoch, total, every, time.Now, isTerminal(w))
}

// newProgress is NewProgress with its clock and its terminal test given.
func newProgress(w io.Writer, phase string, epoch, total int, every time.Duration,
	now func() time.Time, tty bool) *Progress {
	p := &Progress{w: w, phase: phase, epoch: epoch, total: total, every: every, now: now, acc: -1}
	p.start = now()
	p.last = p.start
	if tty {
		p.bar = newBar(w, total, fmt.Sprintf("%-5s epoch %2d", phase, epoch)) // no numbers yet
	}
	return p
}

// isTerminal reports whether w is a terminal, the only place a bar is drawn.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// newBar makes a bar over total batches (a spinner when total is unknown).
func newBar(w io.Writer, total int, desc string) *progressbar.ProgressBar {
	if total <= 0 {
		total = -1
	}
	return progressbar.NewOptions(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionSetWidth(30),
		progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSetRenderBlankState(true),
		progressbar.OptionOnCompletion(func() { fmt.Fprintln(w) }),
	)
}

// Update records that done batches are finished, with the running mean loss,
// the running accuracy in 0..1 (-1: none) and the tokens seen so far.
func (p *Progress) Update(done int, loss, acc float64, tokens int64) {
	if p.finished {
		return
	}
	p.done, p.loss, p.acc, p.tokens = done, loss, acc, tokens
	if p.bar != nil {
		p.bar.Describe(p.describe()) // the bar throttles its own drawing
		p.bar.Set(min(done, max(p.total, 0)))
		return
	}
	if t := p.now(); t.Sub(p.last) >= p.every {
		p.last = t
		fmt.Fprintln(p.w, p.line(t, false))
	}
}

// Finish ends the bar, or prints the final plain line. Later calls do nothing.
func (p *Progress) Finish() {
	if p.finished {
		return
	}
	p.finished = true
	if p.bar != nil {
		if !p.bar.IsFinished() {
			p.bar.Describe(p.describe())
			p.bar.Exit() // stopped early (Ctrl-C, dry run): keep what was drawn
		}
		return
	}
	fmt.Fprintln(p.w, p.line(p.now(), true))
}

// describe is the bar's description: "train epoch  3  loss 0.4123  acc 81.20%  12,345 tok/s".
func (p *Progress) describe() string {
	s := fmt.Sprintf("%-5s epoch %2d  loss %s", p.phase, p.epoch, fixed(p.loss, 6, 4))
	if p.acc >= 0 {
		s += fmt.Sprintf("  acc %s%%", fixed(100*p.acc, 5, 2))
	}
	return s + fmt.Sprintf("  %s tok/s", thousands(p.rate(p.now()), 9))
}

// line is one plain progress line at time t; last shows the time taken
// instead of the time left.
func (p *Progress) line(t time.Time, last bool) string {
	width := max(4, len(fmt.Sprint(p.total)))
	total, pct, eta := "?", "  ?", "     ?"
	elapsed := t.Sub(p.start)
	if p.total > 0 {
		total = fmt.Sprint(p.total)
		pct = fmt.Sprintf("%3d", 100*p.done/p.total)
		if p.done > 0 {
			eta = clock(elapsed * time.Duration(max(p.total-p.done, 0)) / time.Duration(p.done))
		}
	}
	s := fmt.Sprintf("%-5s  epoch %2d  batch %*d/%*s %s%%  loss %s",
		p.phase, p.epoch, width, p.done, width, total, pct, fixed(p.loss, 6, 4))
	if p.acc >= 0 {
		s += fmt.Sprintf("  acc %s%%", fixed(100*p.acc, 5, 2))
	}
	s += fmt.Sprintf("  %s tok/s", thousands(p.rate(t), 9))
	if last {
		return s + "  took " + clock(elapsed)
	}
	return s + "  eta  " + eta
}

// rate is tokens per second since the phase started.
func (p *Progress) rate(t time.Time) float64 {
	sec := t.Sub(p.start).Seconds()
	if sec <= 0 {
		return 0
	}
	return float64(p.tokens) / sec
}

// EpochLine is the summary printed after each epoch, fixed width so that
// consecutive lines align. A classifier shows accuracy, a language model
// perplexity and, at character level, bits per character:
//
//	epoch  3  train loss 0.3121 acc 86.90%  valid loss 0.3312 acc 85.70%  time  2m13s     12,345 tok/s  lr 1.00e-03
//	epoch  3  train loss 1.5230  valid loss 1.6021 ppl   4.96 bpc 2.311  time  2m13s    812,345 tok/s  lr 2.00e+01
func EpochLine(e rundir.Epoch) string {
	classifier := e.TrainAcc > 0 || e.ValidAcc > 0
	s := fmt.Sprintf("epoch %2d  train loss %s", e.Epoch, fixed(e.TrainLoss, 6, 4))
	if classifier {
		s += fmt.Sprintf(" acc %s%%", fixed(100*e.TrainAcc, 5, 2))
	}
	s += fmt.Sprintf("  valid loss %s", fixed(e.ValidLoss, 6, 4))
	if classifier {
		s += fmt.Sprintf(" acc %s%%", fixed(100*e.ValidAcc, 5, 2))
	}
	if e.ValidPPL > 0 {
		s += fmt.Sprintf(" ppl %s", fixed(e.ValidPPL, 6, 2))
	}
	if e.ValidBPC > 0 {
		s += fmt.Sprintf(" bpc %s", fixed(e.ValidBPC, 5, 3))
	}
	if e.ValidBLEU > 0 {
		s += fmt.Sprintf(" bleu %s", fixed(e.ValidBLEU, 5, 2))
	}
	s += fmt.Sprintf("  time %s  %s tok/s", clock(time.Duration(e.Seconds*float64(time.Second))),
		thousands(e.TokensPerSec, 9))
	if e.LR > 0 {
		s += fmt.Sprintf("  lr %.2e", e.LR)
	}
	return s
}

// fixed formats v in exactly width characters (right-aligned), with at most
// prec decimals and fewer when the integer part needs the room:
// fixed(0.41234, 6, 4) = "0.4123", fixed(12.3456, 6, 4) = "12.346".
// A value too large for width is printed whole and overflows.
func fixed(v float64, width, prec int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Sprintf("%*v", width, v)
	}
	for ; prec > 0; prec-- {
		if s := strconv.FormatFloat(v, 'f', prec, 64); len(s) <= width {
			return fmt.Sprintf("%*s", width, s)
		}
	}
	return fmt.Sprintf("%*.0f", width, v)
}

// thousands is Thousands right-aligned in width characters:
// thousands(12345.6, 9) = "   12,346".
func thousands(v float64, width int) string { return fmt.Sprintf("%*s", width, Thousands(v)) }

// Thousands formats v rounded to a whole number with comma separators:
// Thousands(1234567.8) = "1,234,568".
func Thousands(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) >= 1e18 {
		return fmt.Sprint(v)
	}
	digits := strconv.FormatInt(int64(math.Round(math.Abs(v))), 10)
	var out []byte
	for i := range len(digits) {
		if i > 0 && (len(digits)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, digits[i])
	}
	if v <= -0.5 {
		out = append([]byte{'-'}, out...)
	}
	return string(out)
}

// clock is Clock right-aligned in 6 characters: " 1m02s", "59m59s", " 2h05m", "  >99h".
func clock(d time.Duration) string { return fmt.Sprintf("%6s", Clock(d)) }

// Clock formats d to the second under an hour, else to the minute: "0m42s",
// "1m02s", "2h05m"; from 100 hours on ">99h".
func Clock(d time.Duration) string {
	d = max(d.Round(time.Second), 0)
	switch {
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d/time.Minute), int(d%time.Minute/time.Second))
	case d < 100*time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
	default:
		return ">99h"
	}
}
