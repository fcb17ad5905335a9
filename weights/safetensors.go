package weights

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"

	"github.com/nlpodyssey/safetensors"
)

// ReadSafetensors reads the tensors of a .safetensors file held whole in
// b: an 8-byte little-endian header length, a JSON header naming each
// tensor's dtype, shape and byte range, then the raw little-endian data.
// Tensors come in the order of their data in the file.
func ReadSafetensors(b []byte) (*StateDict, error) {
	st, err := safetensors.Deserialize(b)
	if err != nil {
		return nil, fmt.Errorf("weights: safetensors: %w", err)
	}
	_, meta, _ := safetensors.ReadMetadata(b) // Deserialize read it without error
	sd := &StateDict{Metadata: meta.Metadata()}
	seen := map[string]bool{}
	for _, nt := range st.Tensors() {
		v := nt.TensorView
		dtype := DType(v.DType().String())
		if dtype.size() == 0 {
			return nil, fmt.Errorf("weights: safetensors: tensor %s: element type %s: this reader knows F64, F32, F16, BF16, I64, I32, I16, I8, U8 and BOOL", nt.Name, dtype)
		}
		shape := make([]int64, len(v.Shape()))
		for i, d := range v.Shape() {
			if d > math.MaxInt64 {
				return nil, fmt.Errorf("weights: safetensors: tensor %s: size %d", nt.Name, d)
			}
			shape[i] = int64(d)
		}
		values := make([]float32, len(v.Data())/dtype.size())
		dtype.decode(values, v.Data())
		if err := sd.addUnique(Tensor{Name: nt.Name, DType: dtype, Shape: shape, Values: values}, seen); err != nil {
			return nil, fmt.Errorf("weights: safetensors: %w", err)
		}
	}
	return sd, nil
}

// WriteSafetensors writes sd as a .safetensors file to w: float32 tensors,
// with sd.Metadata as the header's "__metadata__". PyTorch reads it with
// safetensors.torch.load_file.
func WriteSafetensors(w io.Writer, sd *StateDict) error {
	views := make(map[string]safetensors.TensorView, len(sd.Tensors))
	for _, t := range sd.Tensors {
		if _, dup := views[t.Name]; dup {
			return fmt.Errorf("weights: safetensors: tensor name %q appears twice", t.Name)
		}
		shape := make([]uint64, len(t.Shape))
		n := int64(1)
		for i, d := range t.Shape {
			shape[i], n = uint64(d), n*d
		}
		if len(t.Shape) == 0 || int64(len(t.Values)) != n {
			return fmt.Errorf("weights: safetensors: tensor %s: %d values for shape %s (scalars are not written)", t.Name, len(t.Values), shapeString(t.Shape))
		}
		data := make([]byte, 4*len(t.Values))
		for i, f := range t.Values {
			binary.LittleEndian.PutUint32(data[4*i:], math.Float32bits(f))
		}
		v, err := safetensors.NewTensorView(safetensors.F32, shape, data)
		if err != nil {
			return fmt.Errorf("weights: safetensors: tensor %s: %w", t.Name, err)
		}
		views[t.Name] = v
	}
	if err := safetensors.SerializeToWriter(views, sd.Metadata, w); err != nil {
		return fmt.Errorf("weights: safetensors: %w", err)
	}
	return nil
}
