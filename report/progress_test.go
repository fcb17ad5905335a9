package report

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/torchrnn/torchrnn/rundir"
)

// fakeClock is a clock that moves only when told.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}
}

// outLines splits plain progress output into its lines.
func outLines(b *bytes.Buffer) []string {
	s := strings.TrimSuffix(b.String(), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func TestProgressLine(t *testing.T) {
	clk := newFakeClock()
	var buf bytes.Buffer
	p := newProgress(&buf, "train", 3, 625, 10*time.Second, clk.now, false)
	clk.advance(10 * time.Second)
	p.Update(120, 0.41234, 0.812, 123450) // 12,345 tok/s over 10 s
	want := "train  epoch  3  batch  120/ 625  19%  loss 0.4123  acc 81.20%     12,345 tok/s  eta   0m42s"
	if got := strings.TrimSuffix(buf.String(), "\n"); got != want {
		t.Errorf("line\n got %q\nwant %q", got, want)
	}
}

func TestProgressEvery(t *testing.T) {
	clk := newFakeClock()
	var buf bytes.Buffer
	p := newProgress(&buf, "train", 1, 400, 10*time.Second, clk.now, false)
	for i := 1; i <= 35; i++ { // 10 batches a second for 35 s
		clk.advance(time.Second)
		p.Update(10*i, 0.5, 0.75, int64(1000*i))
		if n, want := len(outLines(&buf)), i/10; n != want {
			t.Fatalf("after %d s: %d lines, want %d", i, n, want)
		}
	}
	p.Finish()
	p.Finish() // a second Finish prints nothing
	got := outLines(&buf)
	if len(got) != 4 {
		t.Fatalf("got %d lines, want 3 + 1 final:\n%s", len(got), buf.String())
	}
	if want := "batch  350/ 400  87%"; !strings.Contains(got[3], want) {
		t.Errorf("final line %q: want %q", got[3], want)
	}
	if !strings.HasSuffix(got[3], "took  0m35s") {
		t.Errorf("final line %q: want the time taken", got[3])
	}
	if !strings.Contains(got[0], "  1,000 tok/s") { // 10,000 tokens in 10 s
		t.Errorf("line %q: want 1,000 tok/s", got[0])
	}
	if strings.Contains(got[1], "eta   0m00s") || !strings.HasSuffix(got[1], "eta   0m20s") {
		t.Errorf("line %q: want eta 0m20s (200 batches left at 10/s)", got[1])
	}
	p.Update(400, 0.5, 0.75, 1) // after Finish: ignored
	if n := len(outLines(&buf)); n != 4 {
		t.Errorf("Update after Finish printed: %d lines", n)
	}
}

// TestProgressFixedWidth checks that columns do not move when values grow.
func TestProgressFixedWidth(t *testing.T) {
	clk := newFakeClock()
	var buf bytes.Buffer
	p := newProgress(&buf, "valid", 12, 1500, 0, clk.now, false)
	for _, u := range []struct {
		done   int
		loss   float64
		acc    float64
		tokens int64
	}{
		{1, 10.987654, 0.05, 10}, {9, 6.5, 0.5, 99999}, {120, 0.4123, 0.8125, 5_000_000}, {1500, 0.0001, 1, 9_999_999},
	} {
		clk.advance(time.Second)
		p.Update(u.done, u.loss, u.acc, u.tokens)
	}
	p.Finish()
	got := outLines(&buf)
	if len(got) != 5 {
		t.Fatalf("every 0: got %d lines, want 4 + 1:\n%s", len(got), buf.String())
	}
	for _, l := range got[1:] {
		if len(l) != len(got[0]) {
			t.Errorf("line lengths differ:\n%q\n%q", got[0], l)
		}
		for _, col := range []string{"batch", "%  loss", "acc", "tok/s"} {
			if strings.Index(l, col) != strings.Index(got[0], col) {
				t.Errorf("column %q moved:\n%s\n%s", col, got[0], l)
			}
		}
	}
}

func TestProgressNoAccuracy(t *testing.T) {
	clk := newFakeClock()
	var buf bytes.Buffer
	p := newProgress(&buf, "test", 1, 0, time.Second, clk.now, false) // unknown total
	clk.advance(2 * time.Second)
	p.Update(7, 1.6021, -1, 4000)
	p.Finish()
	want := []string{
		"test   epoch  1  batch    7/   ?   ?%  loss 1.6021      2,000 tok/s  eta       ?",
		"test   epoch  1  batch    7/   ?   ?%  loss 1.6021      2,000 tok/s  took  0m02s",
	}
	got := outLines(&buf)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestProgressBar(t *testing.T) {
	var buf bytes.Buffer
	clk := newFakeClock()
	p := newProgress(&buf, "train", 2, 4, time.Second, clk.now, true)
	for i := 1; i <= 4; i++ {
		clk.advance(time.Second)
		p.Update(i, 0.25, 0.9, int64(100*i))
	}
	p.Finish()
	out := buf.String()
	for _, want := range []string{"train epoch  2  loss 0.2500  acc 90.00%", "100 tok/s", "4/4"} {
		if !strings.Contains(out, want) {
			t.Errorf("bar output %q: want %q", out, want)
		}
	}
	if !strings.HasSuffix(out, "\n") {
		t.Errorf("bar output %q: want a newline at the end", out)
	}
}

// TestNewProgressPlainInFile checks that a file, such as a CI log, gets no bar.
func TestNewProgressPlainInFile(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "log"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if p := NewProgress(f, "train", 1, 10, time.Second); p.bar != nil {
		t.Error("bar drawn into a file")
	}
	if p := NewProgress(&bytes.Buffer{}, "train", 1, 10, time.Second); p.bar != nil {
		t.Error("bar drawn into a buffer")
	}
}

func TestEpochLine(t *testing.T) {
	for _, tc := range []struct {
		e    rundir.Epoch
		want string
	}{
		{rundir.Epoch{Epoch: 3, TrainLoss: 0.3121, TrainAcc: 0.869, ValidLoss: 0.3312, ValidAcc: 0.857,
			Seconds: 133, TokensPerSec: 12345, LR: 1e-3},
			"epoch  3  train loss 0.3121 acc 86.90%  valid loss 0.3312 acc 85.70%  time  2m13s     12,345 tok/s  lr 1.00e-03"},
		{rundir.Epoch{Epoch: 3, TrainLoss: 1.523, ValidLoss: 1.6021, ValidPPL: 4.9635, ValidBPC: 2.3113,
			Seconds: 133.4, TokensPerSec: 812345.4, LR: 20},
			"epoch  3  train loss 1.5230  valid loss 1.6021 ppl   4.96 bpc 2.311  time  2m13s    812,345 tok/s  lr 2.00e+01"},
		{rundir.Epoch{Epoch: 1, TrainLoss: 6.1, ValidLoss: 5.52, ValidPPL: 249.6, Seconds: 3725},
			"epoch  1  train loss 6.1000  valid loss 5.5200 ppl 249.60  time  1h02m          0 tok/s"},
	} {
		if got := EpochLine(tc.e); got != tc.want {
			t.Errorf("EpochLine\n got %q\nwant %q", got, tc.want)
		}
	}
}

// TestEpochLineAligned checks that consecutive epochs line up column by column.
func TestEpochLineAligned(t *testing.T) {
	a := EpochLine(rundir.Epoch{Epoch: 1, TrainLoss: 12.5, TrainAcc: 0.05, ValidLoss: 10.25, ValidAcc: 0.1,
		Seconds: 5, TokensPerSec: 999, LR: 0.1})
	b := EpochLine(rundir.Epoch{Epoch: 12, TrainLoss: 0.001, TrainAcc: 1, ValidLoss: 0.02, ValidAcc: 0.995,
		Seconds: 3599, TokensPerSec: 1_234_567, LR: 1e-5})
	if len(a) != len(b) {
		t.Errorf("lengths differ:\n%s\n%s", a, b)
	}
	for _, col := range []string{"train", "acc", "valid", "time", "tok/s", "lr"} {
		if strings.Index(a, col) != strings.Index(b, col) {
			t.Errorf("column %q moved:\n%s\n%s", col, a, b)
		}
	}
}

func TestFormatHelpers(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{fixed(0.41234, 6, 4), "0.4123"},
		{fixed(12.34567, 6, 4), "12.346"},
		{fixed(123456.7, 6, 4), "123457"},
		{fixed(5, 5, 2), " 5.00"},
		{fixed(100, 5, 2), "100.0"},
		{fixed(math.NaN(), 6, 4), "   NaN"},
		{thousands(0, 5), "    0"},
		{thousands(999.4, 5), "  999"},
		{thousands(1234567.8, 9), "1,234,568"},
		{thousands(-12345, 7), "-12,345"},
		{clock(62 * time.Second), " 1m02s"},
		{clock(59*time.Minute + 59*time.Second), "59m59s"},
		{clock(2*time.Hour + 5*time.Minute), " 2h05m"},
		{clock(200 * time.Hour), "  >99h"},
		{clock(-time.Second), " 0m00s"},
		{Clock(42 * time.Second), "0m42s"},
		{Thousands(-0.4), "0"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
