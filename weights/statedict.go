package weights

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// DType is a tensor's element type in a file. Values are read as float32
// whatever it is (PyTorch's load_state_dict converts the same way when it
// copies into a float32 parameter).
type DType string

// The element types read. Names are safetensors'.
const (
	F32  DType = "F32"
	F64  DType = "F64"
	F16  DType = "F16"
	BF16 DType = "BF16"
	I64  DType = "I64"
	I32  DType = "I32"
	I16  DType = "I16"
	I8   DType = "I8"
	U8   DType = "U8"
	Bool DType = "BOOL"
)

// size is the bytes per element, 0 for an unknown type.
func (d DType) size() int {
	switch d {
	case F64, I64:
		return 8
	case F32, I32:
		return 4
	case F16, BF16, I16:
		return 2
	case I8, U8, Bool:
		return 1
	}
	return 0
}

// decode converts little-endian elements of type d to float32: len(dst)
// elements from src, which holds at least that many.
func (d DType) decode(dst []float32, src []byte) {
	le := binary.LittleEndian
	for i := range dst {
		switch d {
		case F32:
			dst[i] = math.Float32frombits(le.Uint32(src[4*i:]))
		case F64:
			dst[i] = float32(math.Float64frombits(le.Uint64(src[8*i:])))
		case F16:
			dst[i] = halfToFloat(le.Uint16(src[2*i:]))
		case BF16:
			dst[i] = math.Float32frombits(uint32(le.Uint16(src[2*i:])) << 16)
		case I64:
			dst[i] = float32(int64(le.Uint64(src[8*i:])))
		case I32:
			dst[i] = float32(int32(le.Uint32(src[4*i:])))
		case I16:
			dst[i] = float32(int16(le.Uint16(src[2*i:])))
		case I8:
			dst[i] = float32(int8(src[i]))
		case U8, Bool:
			dst[i] = float32(src[i])
		}
	}
}

// halfToFloat widens an IEEE 754 half to float32.
func halfToFloat(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	frac := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // Inf, NaN
		return math.Float32frombits(sign | 0xff<<23 | frac<<13)
	case exp == 0 && frac == 0:
		return math.Float32frombits(sign)
	case exp == 0: // subnormal: frac * 2^-24
		v := float32(frac) * (1.0 / (1 << 24))
		if sign != 0 {
			v = -v
		}
		return v
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | frac<<13)
}

// Tensor is one named tensor, in Go memory: no libtorch memory to free.
type Tensor struct {
	Name   string
	DType  DType     // element type in the file it came from (F32 for a model's)
	Shape  []int64   // [] for a scalar
	Values []float32 // row-major; len is the product of Shape
}

// StateDict is the named tensors of a file or a model, in order (the
// file's order for a torch.save file, PyTorch's state_dict() order for a
// model).
type StateDict struct {
	Tensors []Tensor
	// Skipped lists entries of a torch.save file that hold torch objects
	// this package does not read (a sparse or quantized tensor, say): name
	// and class.
	Skipped []string
	// Metadata is a safetensors file's free-form "__metadata__".
	Metadata map[string]string
}

// Get returns the tensor named name, or nil.
func (sd *StateDict) Get(name string) *Tensor {
	for i := range sd.Tensors {
		if sd.Tensors[i].Name == name {
			return &sd.Tensors[i]
		}
	}
	return nil
}

// Names returns the tensor names in order.
func (sd *StateDict) Names() []string {
	names := make([]string, len(sd.Tensors))
	for i, t := range sd.Tensors {
		names[i] = t.Name
	}
	return names
}

// numel is the product of shape, or an error when a size is negative or
// the product passes limit elements.
func numel(shape []int64, limit int64) (int64, error) {
	n := int64(1)
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("negative size in shape %v", shape)
		}
		if d == 0 {
			return 0, nil
		}
		if n > limit/d {
			return 0, fmt.Errorf("shape %v has more than %d elements", shape, limit)
		}
		n *= d
	}
	return n, nil
}

// addUnique appends t, refusing a name already present.
func (sd *StateDict) addUnique(t Tensor, seen map[string]bool) error {
	if seen[t.Name] {
		return fmt.Errorf("tensor name %q appears twice", t.Name)
	}
	seen[t.Name] = true
	sd.Tensors = append(sd.Tensors, t)
	return nil
}

// shapeString is a shape as PyTorch prints it: [3, 4].
func shapeString(s []int64) string {
	parts := make([]string, len(s))
	for i, d := range s {
		parts[i] = strconv.FormatInt(d, 10)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
