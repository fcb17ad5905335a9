package libtorch

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// mallocChild marks the fresh process in which TestTuneMalloc looks at
// malloc: the settings last for the process, and the test binary's own
// malloc may have moved its threshold already.
const mallocChild = "TORCHRNN_MALLOC_CHILD"

// TestTuneMalloc checks, each time in a fresh process, that a 16 MiB block is
// mapped on its own by glibc's defaults and carved from the heap once
// TuneMalloc ran, and that a MALLOC_ variable in the environment keeps the
// defaults.
func TestTuneMalloc(t *testing.T) {
	if os.Getenv(mallocChild) != "" {
		tune := os.Getenv(mallocChild) == "tune"
		tuned := tune && TuneMalloc()
		mapped, ok := ownMapping(16 << 20)
		fmt.Printf("tuned=%v mapped=%v ok=%v\n", tuned, mapped, ok)
		return
	}
	for _, c := range []struct {
		name, mode string
		env        []string
		want       string
	}{
		{"glibc's defaults", "keep", nil, "tuned=false mapped=true"},
		{"tuned", "tune", nil, "tuned=true mapped=false"},
		{"malloc set by the environment", "tune", []string{"MALLOC_ARENA_MAX=4"}, "tuned=false mapped=true"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestTuneMalloc$", "-test.count=1")
			cmd.Env = append(append(os.Environ(), mallocChild+"="+c.mode), c.env...)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			got, _, _ := strings.Cut(string(out), "\n")
			if strings.HasSuffix(got, "ok=false") {
				t.Skipf("this libc cannot tell mapped blocks: %s", got)
			}
			if got != c.want+" ok=true" {
				t.Errorf("got %q, want %q", got, c.want+" ok=true")
			}
		})
	}
}
