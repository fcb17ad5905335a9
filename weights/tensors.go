package weights

import (
	"fmt"
	"math"
	"strings"
)

// Tensors in a torch.save pickle: the callables that rebuild them, the
// views they are of their storages, and the names nested containers give
// them.

// callTorch runs the few callables a state_dict pickle uses; others give
// opaque objects (known is false).
func callTorch(fn pyGlobal, args pyTuple) (v any, known bool, err error) {
	switch fn.module + "." + fn.name {
	case "collections.OrderedDict":
		if len(args) != 0 {
			return nil, true, fmt.Errorf("%d arguments, want none", len(args))
		}
		return newDict(), true, nil
	case "torch._utils._rebuild_tensor_v2": // (storage, offset, size, stride, requires_grad, hooks[, metadata])
		if len(args) != 6 && len(args) != 7 {
			return nil, true, fmt.Errorf("%d arguments, want 6 or 7", len(args))
		}
		s, ok := args[0].(*storageRef)
		offset, ok2 := args[1].(int64)
		shape, err1 := ints(args[2])
		stride, err2 := ints(args[3])
		if !ok || !ok2 || err1 != nil || err2 != nil || len(shape) != len(stride) {
			return nil, true, fmt.Errorf("want (storage, offset, size, stride, ...) with one stride per size")
		}
		return &tensorRef{storage: s, offset: offset, shape: shape, stride: stride}, true, nil
	case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state": // (data, requires_grad, hooks[, state])
		if len(args) < 3 {
			return nil, true, fmt.Errorf("%d arguments, want 3 or 4", len(args))
		}
		return args[0], true, nil
	case "torch._tensor._rebuild_from_type_v2": // (func, type, args, state): a tensor subclass
		if len(args) != 4 {
			return nil, true, fmt.Errorf("%d arguments, want 4", len(args))
		}
		inner, ok1 := args[0].(pyGlobal)
		innerArgs, ok2 := args[2].(pyTuple)
		if !ok1 || !ok2 || inner.name == fn.name {
			return nil, true, fmt.Errorf("want (function, type, arguments, state)")
		}
		return callTorch(inner, innerArgs)
	}
	return nil, false, nil
}

// ints reads a tuple of ints (a size or a stride).
func ints(v any) ([]int64, error) {
	t, ok := v.(pyTuple)
	if !ok {
		return nil, fmt.Errorf("a %s, not a tuple", typeName(v))
	}
	out := make([]int64, len(t))
	for i, e := range t {
		if out[i], ok = e.(int64); !ok {
			return nil, fmt.Errorf("a %s in a tuple of ints", typeName(e))
		}
	}
	return out, nil
}

// values reads t's elements row-major, checking the view lies inside its
// storage.
func (a *archive) values(t *tensorRef) ([]float32, error) {
	n, err := numel(t.shape, math.MaxInt64)
	if err != nil {
		return nil, err
	}
	if t.offset < 0 {
		return nil, fmt.Errorf("negative storage offset %d", t.offset)
	}
	last := t.offset // index of the view's last element
	for i, d := range t.shape {
		if t.stride[i] < 0 {
			return nil, fmt.Errorf("negative stride in %v", t.stride)
		}
		if d > 0 && t.stride[i] > 0 {
			if t.stride[i] > (math.MaxInt64-last)/(d) {
				return nil, fmt.Errorf("stride %v overflows", t.stride)
			}
			last += (d - 1) * t.stride[i]
		}
	}
	if n > 0 && last >= t.storage.numel {
		return nil, fmt.Errorf("view (offset %d, size %v, stride %v) reaches element %d of a storage of %d",
			t.offset, t.shape, t.stride, last, t.storage.numel)
	}
	if n == 0 {
		return []float32{}, nil
	}
	if a.budget -= n; a.budget < 0 {
		return nil, fmt.Errorf("the tensors hold more elements than a file of %d bytes can (a view repeated many times?)", a.size)
	}
	data, err := a.storage(t.storage)
	if err != nil {
		return nil, err
	}
	out := make([]float32, n)
	gather(out, data, t.offset, t.shape, t.stride)
	return out, nil
}

// gather copies a strided view of src to dst row-major.
func gather(dst, src []float32, offset int64, shape, stride []int64) {
	if contiguous(shape, stride) {
		copy(dst, src[offset:])
		return
	}
	idx := make([]int64, len(shape))
	for i := range dst {
		pos := offset
		for k, j := range idx {
			pos += j * stride[k]
		}
		dst[i] = src[pos]
		for k := len(idx) - 1; k >= 0; k-- { // odometer
			if idx[k]++; idx[k] < shape[k] {
				break
			}
			idx[k] = 0
		}
	}
}

// contiguous reports whether stride is shape's row-major stride (sizes of
// 1 may have any stride).
func contiguous(shape, stride []int64) bool {
	want := int64(1)
	for k := len(shape) - 1; k >= 0; k-- {
		if shape[k] != 1 && stride[k] != want {
			return false
		}
		want *= shape[k]
	}
	return true
}

// walker names the tensors of nested dicts and lists.
type walker struct {
	visits  int       // entries left to walk: shared sub-objects cannot make it exponential
	skipped *[]string // torch objects not read
}

func (w *walker) walk(v any, name string, depth int, found func(string, *tensorRef) error) error {
	if depth > maxDepth {
		return fmt.Errorf("%s: nested more than %d deep", name, maxDepth)
	}
	join := func(key string) string {
		if name == "" {
			return key
		}
		return name + "." + key
	}
	visit := func(key string, e any) error {
		if w.visits--; w.visits < 0 {
			return fmt.Errorf("more than %d entries in dicts and lists (shared many times over?)", maxVisits)
		}
		return w.walk(e, join(key), depth+1, found)
	}
	if _, isDict := v.(*pyDict); depth == 0 && !isDict {
		if o, ok := v.(*pyObject); ok {
			return fmt.Errorf("the file holds a pickled %s, not a dict of named tensors: save model.state_dict() instead of the model", o.class)
		}
		return fmt.Errorf("the file holds a %s, not a dict of named tensors", typeName(v))
	}
	switch v := v.(type) {
	case *tensorRef:
		return found(name, v)
	case *pyDict:
		for i, k := range v.keys {
			ks, _ := keyString(k) // checked when set
			if err := visit(ks, v.vals[i]); err != nil {
				return err
			}
		}
	case *pyList:
		for i, e := range v.items {
			if err := visit(fmt.Sprint(i), e); err != nil {
				return err
			}
		}
	case pyTuple:
		for i, e := range v {
			if err := visit(fmt.Sprint(i), e); err != nil {
				return err
			}
		}
	case *pyObject:
		if strings.HasPrefix(v.class, "torch.") {
			*w.skipped = append(*w.skipped, name+" ("+v.class+")")
		}
	}
	return nil
}
