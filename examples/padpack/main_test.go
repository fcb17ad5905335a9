package main

import (
	"io"
	"testing"

	"github.com/torchrnn/torchrnn/torch"
)

func TestPadPack(t *testing.T) {
	torch.LockThread()
	res, err := run(io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if res.unpack != 0 {
		t.Errorf("unpack(pack(x)) differs from x by %g", res.unpack)
	}
	if res.packedPadded > 1e-6 {
		t.Errorf("packed and padded strategies differ by %g", res.packedPadded)
	}
	// Only the longest sequence (length 4 = T) is read right when padding
	// is treated as input.
	for b, d := range res.naive {
		if long := b == 1; long != (d < 1e-6) {
			t.Errorf("sequence %d: final h off by %g without lengths", b, d)
		}
	}
}
