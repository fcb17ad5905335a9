package train

import (
	"fmt"

	"github.com/sugarme/gotch"
	"github.com/torchrnn/torchrnn/torch"
)

// Device resolves a -device value with torch.ParseDevice: auto is CUDA when
// libtorch sees a GPU.
func Device(s string) (gotch.Device, error) {
	d, err := torch.ParseDevice(s)
	if err != nil {
		return d, fmt.Errorf("-device %s: %w", s, err)
	}
	return d, nil
}
