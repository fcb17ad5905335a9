package fitgotch

import (
	"bytes"
	"fmt"
	"os"
)

// extensions are C functions torchrnn adds to libtch's torch_api.cpp, in the
// file's own style so that fitting can stub them like any generated op when
// a libtorch lacks what they call.
const extensions = `
// torchrnn extensions (added by internal/fitgotch).
extern "C" int torchrnn_set_cudnn_tf32(int on);
int torchrnn_set_cudnn_tf32(int on) {
  PROTECT(at::globalContext().setAllowTF32CuDNN(on != 0); return 1;)
  return 0;
}
`

// appendExtensions adds extensions to the end of api once.
func appendExtensions(api string) error {
	data, err := os.ReadFile(api)
	if err != nil {
		return fmt.Errorf("fitgotch: %w", err)
	}
	if bytes.Contains(data, []byte("torchrnn extensions")) {
		return nil
	}
	return writeAtomic(api, append(data, extensions...))
}
