package train

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/torchrnn/torchrnn/lstm"
)

// checkMemory refuses a model that cannot fit in the memory available now
// (MemAvailable of /proc/meminfo; no check where that is missing), before
// anything is allocated. The estimate is rough: 4 bytes per parameter for
// the weights, their gradients and Adam's two moments, plus the recurrent
// activations of a batch of B sequences of T steps kept for backward
// (and, for a language model, its logits over the vocabulary).
func checkMemory(cfg Config, m lstm.Config, head lstm.Head, B, T int) error {
	params, err := m.NumParams(head)
	if err != nil {
		return UsageError{modelErr(err)}
	}
	dirs := 1.0
	if m.Bidirectional {
		dirs = 2
	}
	perStep := float64(m.Embed) + float64(m.Layers)*dirs*float64(m.Hidden)*6 // gates and states
	if head == lstm.LMHead {
		perStep += 3 * float64(m.Vocab) // logits, softmax and their gradient
	}
	acts := 4 * 2 * float64(B) * float64(T) * perStep // forward kept for backward, and its gradient
	need := 16*float64(params) + acts
	avail, ok := memAvailable()
	if !ok || need <= float64(avail) {
		return nil
	}
	sizes := fmt.Sprintf("-embed %d -hidden %d -layers %d", m.Embed, m.Hidden, m.Layers)
	if head == lstm.ClassifierHead {
		sizes += fmt.Sprintf(" -head %d", m.Head)
	}
	if m.Chars > 0 {
		sizes += fmt.Sprintf(" -char-embed %d -char-hidden %d", m.CharEmbed, m.CharHidden)
	}
	return UsageError{fmt.Errorf("%s -batch %d: the model needs about %s of memory (%d parameters, with gradients and optimizer state: %s; activations of %d x %d steps: %s), but %s is available",
		sizes, cfg.Batch, bytesOf(need), params, bytesOf(16*float64(params)), B, T, bytesOf(acts), bytesOf(float64(avail)))}
}

// memAvailable reads MemAvailable from /proc/meminfo, in bytes.
func memAvailable() (int64, bool) {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "MemAvailable:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil || kb > math.MaxInt64/1024 {
				return 0, false
			}
			return kb * 1024, true
		}
	}
	return 0, false
}

// bytesOf writes a size in bytes with a binary unit: 1.5 GiB.
func bytesOf(b float64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	i := 0
	for b >= 1024 && i < len(units)-1 {
		b /= 1024
		i++
	}
	if i == len(units)-1 && b >= 1024 {
		return fmt.Sprintf("%.3g %s", b, units[i])
	}
	return fmt.Sprintf("%.1f %s", b, units[i])
}
