package torch

import (
	"fmt"

	"github.com/sugarme/gotch"
	"github.com/torchrnn/torchrnn/internal/libtorch"
)

// Device is where tensors live: CPU or one CUDA GPU.
type Device = gotch.Device

// CPU is the host.
var CPU = gotch.CPU

// CUDAAvailable reports whether libtorch was built with CUDA and sees a GPU.
func CUDAAvailable() bool { return gotch.CUDA.IsAvailable() }

// ParseDevice resolves a device name: "auto" (or "") is the first GPU when
// CUDAAvailable and the CPU otherwise; "cpu"; "cuda" (the first GPU);
// "cuda:N". A GPU that is not there is an error saying why.
func ParseDevice(s string) (Device, error) {
	cuda := CUDAAvailable()
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
		var rest string
		if k, _ := fmt.Sscanf(s, "cuda:%d%s", &n, &rest); k != 1 || n < 0 {
			return gotch.CPU, fmt.Errorf("torch: device %q: want auto, cpu, cuda or cuda:N", s)
		}
	}
	if !cuda {
		why := "this libtorch " + libtorch.Version + " is CPU-only (fit torchrnn to a CUDA build of libtorch)"
		if libtorch.CUDA {
			why = "libtorch sees no GPU"
		}
		return gotch.CPU, fmt.Errorf("torch: device %s: CUDA is not available: %s", s, why)
	}
	if count := gotch.CUDA.DeviceCount(); int64(n) >= count {
		return gotch.CPU, fmt.Errorf("torch: device %s: only %d GPU(s)", s, count)
	}
	return gotch.CudaBuilder(uint(n)), nil
}
