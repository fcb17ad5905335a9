package weights

import (
	"fmt"
	"math"
	"unicode/utf8"
)

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
