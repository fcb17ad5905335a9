package train

import (
	"fmt"

	"github.com/sugarme/gotch"
	"github.com/torchrnn/torchrnn/internal/libtorch"
)

// Device resolves a -device value: auto is CUDA when libtorch sees a GPU.
func Device(s string) (gotch.Device, error) {
	cuda := gotch.CUDA.IsAvailable()
	switch s {
	case "auto", "":
		if cuda {
			return gotch.CudaBuilder(0), nil
		}
		return gotch.CPU, nil
	case "cpu":
		return gotch.CPU, nil
	}
	n := 0
	if s != "cuda" {
		if _, err := fmt.Sscanf(s, "cuda:%d", &n); err != nil || n < 0 {
			return gotch.CPU, fmt.Errorf("-device %s: want auto, cpu, cuda or cuda:N", s)
		}
	}
	if !cuda {
		why := "this libtorch " + libtorch.Version + " is CPU-only (re-run setup-libtorch.sh with LIBTORCH pointing at a CUDA build)"
		if libtorch.CUDA {
			why = "libtorch sees no GPU"
		}
		return gotch.CPU, fmt.Errorf("-device %s: CUDA is not available: %s", s, why)
	}
	if count := gotch.CUDA.DeviceCount(); int64(n) >= count {
		return gotch.CPU, fmt.Errorf("-device %s: only %d GPU(s)", s, count)
	}
	return gotch.CudaBuilder(uint(n)), nil
}
