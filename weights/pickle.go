package weights

import (
	"fmt"
	"strconv"
)

// A restricted unpickler: enough of Python's pickle protocols 2 to 5 to read
// what torch.save writes for a state_dict or a checkpoint dict (dicts,
// lists, tuples, numbers, strings, tensors). It runs no code: a global is a
// name, and calling one that is not a tensor rebuild or OrderedDict gives an
// opaque object. Every length is checked against the bytes left, so a
// damaged file is an error, never a large allocation or a panic.

// Values the unpickler builds.
type (
	pyGlobal struct{ module, name string } // a class or function, by name
	pyTuple  []any
	pyList   struct{ items []any }
	pyBytes  []byte
	pyObject struct{ class string } // an instance or call result of some other class
	pyDict   struct {
		keys, vals []any
		index      map[string]int // keyString(key) -> position
	}
)

func newDict() *pyDict { return &pyDict{index: map[string]int{}} }

// set adds or replaces key; keys are numbers, strings, bytes, None, bools or
// tuples of those.
func (d *pyDict) set(key, val any) error {
	k, err := keyString(key)
	if err != nil {
		return err
	}
	if i, ok := d.index[k]; ok {
		d.vals[i] = val
		return nil
	}
	d.index[k] = len(d.keys)
	d.keys = append(d.keys, key)
	d.vals = append(d.vals, val)
	return nil
}

// keyString is a dict key as a name part: strings as they are, numbers in
// decimal (an optimizer's state is keyed by parameter index).
func keyString(key any) (string, error) { return keyStringDepth(key, 0) }

func keyStringDepth(key any, depth int) (string, error) {
	switch k := key.(type) {
	case string:
		return k, nil
	case int64:
		return strconv.FormatInt(k, 10), nil
	case bool:
		return strconv.FormatBool(k), nil
	case float64:
		return strconv.FormatFloat(k, 'g', -1, 64), nil
	case nil:
		return "None", nil
	case pyBytes:
		return string(k), nil
	case pyTuple:
		if depth > 8 {
			return "", fmt.Errorf("a dict key of tuples nested more than 8 deep")
		}
		s := "("
		for i, e := range k {
			p, err := keyStringDepth(e, depth+1)
			if err != nil {
				return "", err
			}
			if i > 0 {
				s += ", "
			}
			s += p
		}
		return s + ")", nil
	}
	return "", fmt.Errorf("unhashable dict key of type %s", typeName(key))
}

// typeName names a value's Python type, for errors.
func typeName(v any) string {
	switch v := v.(type) {
	case nil:
		return "None"
	case bool:
		return "bool"
	case int64:
		return "int"
	case float64:
		return "float"
	case string:
		return "str"
	case pyBytes:
		return "bytes"
	case pyTuple:
		return "tuple"
	case *pyList:
		return "list"
	case *pyDict:
		return "dict"
	case pyGlobal:
		return "global " + v.module + "." + v.name
	case *pyObject:
		return v.class
	case *tensorRef:
		return "tensor"
	case *storageRef:
		return "storage"
	}
	return fmt.Sprintf("%T", v)
}
