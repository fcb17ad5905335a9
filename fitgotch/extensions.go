package fitgotch

import (
	"bytes"
	"fmt"
	"os"
)

// extensionParts are the C functions torchrnn adds to libtch's torch_api.cpp,
// in the file's own style so that fitting can stub them like any generated op
// when a libtorch lacks what they call. Each concern keeps its functions in a
// file of its own (extensions_*.go) and lists them here.
var extensionParts = []string{coreExtensions, sampleExtensions, lstmExtensions, distExtensions}

// coreExtensions: cuDNN TF32, copies to CUDA without a wait, and
// serialization into memory.
const coreExtensions = `
// torchrnn extensions (added by internal/fitgotch).
extern "C" int torchrnn_set_cudnn_tf32(int on);
int torchrnn_set_cudnn_tf32(int on) {
  PROTECT(at::globalContext().setAllowTF32CuDNN(on != 0); return 1;)
  return 0;
}

// torchrnn_copy_async copies CPU tensor t to CUDA device through
// page-locked memory (libtorch's caching host allocator) with non_blocking:
// the host neither waits for the GPU to reach the copy nor for the copy,
// and the page-locked block is reused only after the copy. Writes the new
// tensor to *out; returns 1, or 0 with the error set (no CUDA, say).
extern "C" int torchrnn_copy_async(tensor t, int device, tensor *out);
int torchrnn_copy_async(tensor t, int device, tensor *out) {
  PROTECT(*out = new torch::Tensor(t->pin_memory().to(device_of_int(device), /*non_blocking=*/true)); return 1;)
  return 0;
}

// torchrnn_save_multi serializes named tensors as at_save_multi writes them
// to a file, into a malloc'ed buffer of *size bytes (the caller frees it),
// or returns NULL with the error set. (A file write that fails inside
// libtorch's stream writer ends in std::terminate from its destructor: the
// caller writes the bytes itself.)
extern "C" char *torchrnn_save_multi(tensor *tensors, char **names, int n, int64_t *size);
char *torchrnn_save_multi(tensor *tensors, char **names, int n, int64_t *size) {
  PROTECT(
    torch::serialize::OutputArchive archive;
    for (int i = 0; i < n; ++i) archive.write(std::string(names[i]), *(tensors[i]), false);
    std::string buf;
    archive.save_to([&buf](const void *data, size_t len) -> size_t {
      buf.append(static_cast<const char *>(data), len);
      return len;
    });
    char *out = static_cast<char *>(malloc(buf.size() + 1));
    if (out == nullptr) throw std::bad_alloc();
    memcpy(out, buf.data(), buf.size());
    *size = static_cast<int64_t>(buf.size());
    return out;)
  return nullptr;
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
	for _, part := range extensionParts {
		data = append(data, part...)
	}
	return writeAtomic(api, data)
}
