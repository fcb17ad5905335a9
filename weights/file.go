package weights

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"runtime"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"

	"github.com/torchrnn/torchrnn/internal/atomic"
	"github.com/torchrnn/torchrnn/torch"
)

// ReadFile reads a torch.save file or a .safetensors file, whichever path
// holds (told by its first bytes, not its name). A TorchScript archive (a
// torchrnn run's model.pt, torch.jit.save) is read through libtorch, which
// names its tensors; call ReadFile then from a goroutine locked to its
// thread, as all libtorch work.
func ReadFile(path string) (*StateDict, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("weights: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("weights: %w", err)
	}
	head := make([]byte, 9)
	n, _ := f.ReadAt(head, 0)
	head = head[:n]
	var sd *StateDict
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")) || bytes.HasPrefix(head, []byte{0x80, 0x02}):
		if sd, err = ReadTorch(f, st.Size()); errors.Is(err, errTorchScript) {
			sd, err = readTorchScript(path)
		}
	case len(head) == 9 && head[8] == '{':
		var b []byte
		if b, err = os.ReadFile(path); err == nil {
			sd, err = ReadSafetensors(b)
		}
	default:
		err = fmt.Errorf("weights: neither a torch.save file (a zip archive) nor a .safetensors file")
	}
	if err != nil {
		return nil, fmt.Errorf("%w (in %s)", err, path)
	}
	return sd, nil
}

// LoadFile reads path (ReadFile) and loads it into params (Load).
func LoadFile(path string, params []torch.Param, opt Options) (Report, error) {
	sd, err := ReadFile(path)
	if err != nil {
		return Report{}, err
	}
	r, err := Load(params, sd, opt)
	if err != nil {
		return r, fmt.Errorf("%w (from %s)", err, path)
	}
	return r, nil
}

// SaveSafetensors writes params (ModelParams of a model) to path as a
// .safetensors file, atomically, with metadata as its "__metadata__"
// (format "pt" unless set, as PyTorch's exporters write). PyTorch loads it
// with safetensors.torch.load_file and load_state_dict(strict=True) into
// the equivalent nn.Module.
func SaveSafetensors(path string, params []torch.Param, metadata map[string]string) error {
	sd, err := FromParams(params)
	if err != nil {
		return err
	}
	sd.Metadata = map[string]string{"format": "pt"}
	for k, v := range metadata {
		sd.Metadata[k] = v
	}
	err = atomic.Save(path, func(tmp string) error {
		f, err := os.Create(tmp)
		if err != nil {
			return err
		}
		w := bufio.NewWriterSize(f, 1<<20)
		if err := WriteSafetensors(w, sd); err != nil {
			f.Close()
			return err
		}
		if err := w.Flush(); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	})
	if err != nil {
		return fmt.Errorf("weights: %w", err)
	}
	return nil
}

// dtypes are the element types of tensors libtorch reads.
var dtypes = map[gotch.DType]DType{gotch.Float: F32, gotch.Double: F64, gotch.Half: F16, gotch.BFloat16: BF16,
	gotch.Int64: I64, gotch.Int: I32, gotch.Int16: I16, gotch.Int8: I8, gotch.Uint8: U8, gotch.Bool: Bool}

// readTorchScript reads the named tensors of a TorchScript archive with
// libtorch, to Go memory.
func readTorchScript(path string) (*StateDict, error) {
	runtime.LockOSThread() // libtorch's last error is the thread's
	defer runtime.UnlockOSThread()
	named, err := ts.LoadMultiWithDevice(path, gotch.CPU)
	if err != nil {
		return nil, fmt.Errorf("weights: TorchScript archive: %w", torch.Err(err))
	}
	defer func() {
		for _, n := range named {
			torch.Free(n.Tensor)
		}
	}()
	sd := &StateDict{}
	seen := map[string]bool{}
	for _, n := range named {
		dtype, ok := dtypes[n.Tensor.DType()]
		if !ok {
			return nil, fmt.Errorf("weights: TorchScript archive: tensor %s: element type %v", n.Name, n.Tensor.DType())
		}
		shape, err := torch.Shape(n.Tensor)
		if err != nil {
			return nil, fmt.Errorf("weights: TorchScript archive: tensor %s: %w", n.Name, err)
		}
		values, err := torch.Float32s(n.Tensor)
		if err != nil {
			return nil, fmt.Errorf("weights: TorchScript archive: tensor %s: %w", n.Name, err)
		}
		if err := sd.addUnique(Tensor{Name: n.Name, DType: dtype, Shape: shape, Values: values}, seen); err != nil {
			return nil, fmt.Errorf("weights: TorchScript archive: %w", err)
		}
	}
	return sd, nil
}
