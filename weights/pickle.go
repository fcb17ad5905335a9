package weights

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"
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

// unpickler runs one pickle program held whole in data.
type unpickler struct {
	data  []byte
	pos   int
	stack []any
	marks []int // stack heights at each MARK
	memo  map[uint64]any

	// persistentLoad resolves a BINPERSID id (torch's storages).
	persistentLoad func(pid any) (any, error)
	// call runs a REDUCE of fn with args; nil for fn it does not know.
	call func(fn pyGlobal, args pyTuple) (any, bool, error)
}

// load runs the program to STOP and returns its value. Errors give the byte
// offset of the opcode.
func (u *unpickler) load() (any, error) {
	u.memo = map[uint64]any{}
	for {
		if u.pos >= len(u.data) {
			return nil, fmt.Errorf("pickle ends at byte %d without STOP", u.pos)
		}
		at, op := u.pos, u.data[u.pos]
		u.pos++
		if op == '.' { // STOP
			v, err := u.pop()
			if err != nil {
				return nil, fmt.Errorf("pickle byte %d: STOP: %w", at, err)
			}
			return v, nil
		}
		if err := u.step(op); err != nil {
			return nil, fmt.Errorf("pickle byte %d: opcode 0x%02x: %w", at, op, err)
		}
	}
}

// step runs one opcode (all but STOP).
func (u *unpickler) step(op byte) error {
	switch op {
	case 0x80: // PROTO
		p, err := u.read(1)
		if err == nil && p[0] > 5 {
			err = fmt.Errorf("pickle protocol %d: this reader knows 2 to 5", p[0])
		}
		return err
	case 0x95: // FRAME: the program is in memory, so frames are transparent
		_, err := u.read(8)
		return err
	case '(': // MARK
		u.marks = append(u.marks, len(u.stack))
	case '0': // POP
		_, err := u.pop()
		return err
	case '1': // POP_MARK
		_, err := u.popMark()
		return err
	case '2': // DUP
		v, err := u.top()
		u.push(v)
		return err
	case 'N':
		u.push(nil)
	case 0x88: // NEWTRUE
		u.push(true)
	case 0x89: // NEWFALSE
		u.push(false)
	case 'K': // BININT1
		return u.pushUint(1)
	case 'M': // BININT2
		return u.pushUint(2)
	case 'J': // BININT
		b, err := u.read(4)
		if err == nil {
			u.push(int64(int32(binary.LittleEndian.Uint32(b))))
		}
		return err
	case 0x8a: // LONG1
		n, err := u.readUint(1)
		if err != nil {
			return err
		}
		return u.pushLong(n)
	case 0x8b: // LONG4
		n, err := u.readUint(4)
		if err != nil {
			return err
		}
		return u.pushLong(n)
	case 'G': // BINFLOAT
		b, err := u.read(8)
		if err == nil {
			u.push(math.Float64frombits(binary.BigEndian.Uint64(b)))
		}
		return err
	case 'X': // BINUNICODE
		return u.pushString(4, true)
	case 0x8c: // SHORT_BINUNICODE
		return u.pushString(1, true)
	case 0x8d: // BINUNICODE8
		return u.pushString(8, true)
	case 'U': // SHORT_BINSTRING
		return u.pushString(1, false)
	case 'T': // BINSTRING
		return u.pushString(4, false)
	case 'C': // SHORT_BINBYTES
		return u.pushBytes(1)
	case 'B': // BINBYTES
		return u.pushBytes(4)
	case 0x8e: // BINBYTES8
		return u.pushBytes(8)
	case ')': // EMPTY_TUPLE
		u.push(pyTuple{})
	case 0x85, 0x86, 0x87: // TUPLE1, TUPLE2, TUPLE3
		n := int(op - 0x84)
		if len(u.stack)-u.floor() < n {
			return fmt.Errorf("TUPLE%d on a stack of %d", n, len(u.stack)-u.floor())
		}
		t := append(pyTuple{}, u.stack[len(u.stack)-n:]...)
		u.stack = u.stack[:len(u.stack)-n]
		u.push(t)
	case 't': // TUPLE
		items, err := u.popMark()
		u.push(pyTuple(items))
		return err
	case ']': // EMPTY_LIST
		u.push(&pyList{})
	case 'l': // LIST
		items, err := u.popMark()
		u.push(&pyList{items: items})
		return err
	case 'a': // APPEND
		v, err := u.pop()
		if err != nil {
			return err
		}
		return u.appendTo([]any{v})
	case 'e': // APPENDS
		items, err := u.popMark()
		if err != nil {
			return err
		}
		return u.appendTo(items)
	case 0x8f: // EMPTY_SET: kept as a list
		u.push(&pyList{})
	case 0x90: // ADDITEMS
		items, err := u.popMark()
		if err != nil {
			return err
		}
		return u.appendTo(items)
	case 0x91: // FROZENSET
		items, err := u.popMark()
		u.push(&pyList{items: items})
		return err
	case '}': // EMPTY_DICT
		u.push(newDict())
	case 'd': // DICT
		items, err := u.popMark()
		if err != nil {
			return err
		}
		d := newDict()
		u.push(d)
		return setItems(d, items)
	case 's': // SETITEM
		if len(u.stack)-u.floor() < 3 {
			return fmt.Errorf("SETITEM on a stack of %d", len(u.stack)-u.floor())
		}
		items := u.stack[len(u.stack)-2:]
		u.stack = u.stack[:len(u.stack)-2]
		return u.setItems(items)
	case 'u': // SETITEMS
		items, err := u.popMark()
		if err != nil {
			return err
		}
		return u.setItems(items)
	case 'c': // GLOBAL
		module, err := u.readLine()
		if err != nil {
			return err
		}
		name, err := u.readLine()
		u.push(pyGlobal{module, name})
		return err
	case 0x93: // STACK_GLOBAL
		name, err1 := u.pop()
		module, err2 := u.pop()
		m, ok1 := module.(string)
		n, ok2 := name.(string)
		if err1 != nil || err2 != nil || !ok1 || !ok2 {
			return fmt.Errorf("STACK_GLOBAL wants two strings")
		}
		u.push(pyGlobal{m, n})
	case 'R': // REDUCE
		return u.reduce()
	case 0x81: // NEWOBJ: cls.__new__(cls, *args)
		return u.newObject(1)
	case 0x92: // NEWOBJ_EX: cls.__new__(cls, *args, **kwargs)
		return u.newObject(2)
	case 'b': // BUILD: obj.__setstate__(state); the state is not kept
		if _, err := u.pop(); err != nil {
			return err
		}
		_, err := u.top()
		return err
	case 'Q': // BINPERSID
		pid, err := u.pop()
		if err != nil {
			return err
		}
		if u.persistentLoad == nil {
			return fmt.Errorf("a persistent id, which this file cannot have")
		}
		v, err := u.persistentLoad(pid)
		u.push(v)
		return err
	case 'q': // BINPUT
		i, err := u.readUint(1)
		if err != nil {
			return err
		}
		return u.put(i)
	case 'r': // LONG_BINPUT
		i, err := u.readUint(4)
		if err != nil {
			return err
		}
		return u.put(i)
	case 0x94: // MEMOIZE
		return u.put(uint64(len(u.memo)))
	case 'h': // BINGET
		return u.get(1)
	case 'j': // LONG_BINGET
		return u.get(4)
	default:
		return fmt.Errorf("unsupported opcode (not one torch.save writes for tensors and dicts)")
	}
	return nil
}

func (u *unpickler) push(v any) { u.stack = append(u.stack, v) }

// floor is the stack height at the last MARK: ops below a MARK see only
// what lies above it.
func (u *unpickler) floor() int {
	if len(u.marks) == 0 {
		return 0
	}
	return u.marks[len(u.marks)-1]
}

func (u *unpickler) top() (any, error) {
	if len(u.stack) <= u.floor() {
		return nil, fmt.Errorf("empty stack")
	}
	return u.stack[len(u.stack)-1], nil
}

func (u *unpickler) pop() (any, error) {
	v, err := u.top()
	if err == nil {
		u.stack = u.stack[:len(u.stack)-1]
	}
	return v, err
}

// popMark removes and returns what lies above the last MARK, and the MARK.
func (u *unpickler) popMark() ([]any, error) {
	if len(u.marks) == 0 {
		return nil, fmt.Errorf("no MARK")
	}
	m := u.marks[len(u.marks)-1]
	u.marks = u.marks[:len(u.marks)-1]
	items := append([]any{}, u.stack[m:]...)
	u.stack = u.stack[:m]
	return items, nil
}

func (u *unpickler) read(n uint64) ([]byte, error) {
	if n > uint64(len(u.data)-u.pos) {
		return nil, fmt.Errorf("%d bytes wanted, %d left", n, len(u.data)-u.pos)
	}
	b := u.data[u.pos : u.pos+int(n)]
	u.pos += int(n)
	return b, nil
}

// readUint reads an n-byte little-endian unsigned integer (n = 1, 2, 4 or 8).
func (u *unpickler) readUint(n uint64) (uint64, error) {
	b, err := u.read(n)
	if err != nil {
		return 0, err
	}
	var v uint64
	for i := len(b) - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v, nil
}

func (u *unpickler) readLine() (string, error) {
	for i := u.pos; i < len(u.data); i++ {
		if u.data[i] == '\n' {
			s := string(u.data[u.pos:i])
			u.pos = i + 1
			if !utf8.ValidString(s) {
				return "", fmt.Errorf("a name that is not UTF-8")
			}
			return s, nil
		}
	}
	return "", fmt.Errorf("no end of line")
}

func (u *unpickler) pushUint(n uint64) error {
	v, err := u.readUint(n)
	u.push(int64(v))
	return err
}

// pushLong pushes an n-byte two's complement integer; wider than 64 bits is
// kept as a float (no tensor size or offset is that large).
func (u *unpickler) pushLong(n uint64) error {
	b, err := u.read(n)
	if err != nil {
		return err
	}
	if n > 8 {
		u.push(math.Inf(1))
		return nil
	}
	var v uint64
	for i := len(b) - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	if n > 0 && n < 8 && b[n-1]&0x80 != 0 { // sign-extend
		v |= ^uint64(0) << (8 * n)
	}
	u.push(int64(v))
	return nil
}

func (u *unpickler) pushString(lenBytes uint64, unicode bool) error {
	n, err := u.readUint(lenBytes)
	if err != nil {
		return err
	}
	b, err := u.read(n)
	if err != nil {
		return err
	}
	if unicode && !utf8.Valid(b) {
		return fmt.Errorf("a string that is not UTF-8")
	}
	u.push(string(b))
	return nil
}

func (u *unpickler) pushBytes(lenBytes uint64) error {
	n, err := u.readUint(lenBytes)
	if err != nil {
		return err
	}
	b, err := u.read(n)
	u.push(pyBytes(b))
	return err
}

// appendTo appends items to the list on top of the stack.
func (u *unpickler) appendTo(items []any) error {
	v, err := u.top()
	if err != nil {
		return err
	}
	l, ok := v.(*pyList)
	if !ok {
		return fmt.Errorf("append to a %s", typeName(v))
	}
	l.items = append(l.items, items...)
	return nil
}

// setItems sets key, value pairs in the dict on top of the stack.
func (u *unpickler) setItems(items []any) error {
	v, err := u.top()
	if err != nil {
		return err
	}
	d, ok := v.(*pyDict)
	if !ok {
		return fmt.Errorf("set items of a %s", typeName(v))
	}
	return setItems(d, items)
}

func setItems(d *pyDict, items []any) error {
	if len(items)%2 != 0 {
		return fmt.Errorf("%d items for key, value pairs", len(items))
	}
	for i := 0; i < len(items); i += 2 {
		if err := d.set(items[i], items[i+1]); err != nil {
			return err
		}
	}
	return nil
}

func (u *unpickler) put(i uint64) error {
	v, err := u.top()
	if err == nil {
		u.memo[i] = v
	}
	return err
}

func (u *unpickler) get(lenBytes uint64) error {
	i, err := u.readUint(lenBytes)
	if err != nil {
		return err
	}
	v, ok := u.memo[i]
	if !ok {
		return fmt.Errorf("memo %d is not set", i)
	}
	u.push(v)
	return nil
}

// reduce calls the callable below the top with the tuple on top.
func (u *unpickler) reduce() error {
	a, err1 := u.pop()
	f, err2 := u.pop()
	if err1 != nil || err2 != nil {
		return fmt.Errorf("REDUCE wants a callable and arguments")
	}
	args, ok := a.(pyTuple)
	if !ok {
		return fmt.Errorf("REDUCE with %s arguments", typeName(a))
	}
	g, ok := f.(pyGlobal)
	if !ok {
		if o, isObj := f.(*pyObject); isObj { // a call on an opaque object
			u.push(&pyObject{class: o.class})
			return nil
		}
		return fmt.Errorf("REDUCE calls a %s", typeName(f))
	}
	if u.call != nil {
		v, known, err := u.call(g, args)
		if err != nil {
			return fmt.Errorf("%s.%s: %w", g.module, g.name, err)
		}
		if known {
			u.push(v)
			return nil
		}
	}
	u.push(&pyObject{class: g.module + "." + g.name})
	return nil
}

// newObject handles NEWOBJ (nargs 1) and NEWOBJ_EX (2): an opaque instance.
func (u *unpickler) newObject(nargs int) error {
	for range nargs {
		if _, err := u.pop(); err != nil {
			return err
		}
	}
	cls, err := u.pop()
	if err != nil {
		return err
	}
	g, ok := cls.(pyGlobal)
	if !ok {
		return fmt.Errorf("NEWOBJ of a %s", typeName(cls))
	}
	u.push(&pyObject{class: g.module + "." + g.name})
	return nil
}
