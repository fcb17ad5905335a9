package weights

import (
	"encoding/binary"
	"fmt"
	"math"
)

// steps are the opcode groups; each reports whether it knows the opcode.
var steps = [...]func(*unpickler, byte) (bool, error){
	(*unpickler).stepStack, (*unpickler).stepScalar, (*unpickler).stepSequence, (*unpickler).stepDict,
	(*unpickler).stepCall,
}

// step runs one opcode (all but STOP).
func (u *unpickler) step(op byte) error {
	for _, run := range steps {
		if known, err := run(u, op); known {
			return err
		}
	}
	return fmt.Errorf("unsupported opcode (not one torch.save writes for tensors and dicts)")
}

// stepStack runs the opcodes of the protocol, the marks, the stack and the memo.
func (u *unpickler) stepStack(op byte) (bool, error) {
	switch op {
	case 0x80: // PROTO
		p, err := u.read(1)
		if err == nil && p[0] > 5 {
			err = fmt.Errorf("pickle protocol %d: this reader knows 2 to 5", p[0])
		}
		return true, err
	case 0x95: // FRAME: the program is in memory, so frames are transparent
		_, err := u.read(8)
		return true, err
	case '(': // MARK
		u.marks = append(u.marks, len(u.stack))
	case '0': // POP
		_, err := u.pop()
		return true, err
	case '1': // POP_MARK
		_, err := u.popMark()
		return true, err
	case '2': // DUP
		v, err := u.top()
		u.push(v)
		return true, err
	case 'q': // BINPUT
		i, err := u.readUint(1)
		if err != nil {
			return true, err
		}
		return true, u.put(i)
	case 'r': // LONG_BINPUT
		i, err := u.readUint(4)
		if err != nil {
			return true, err
		}
		return true, u.put(i)
	case 0x94: // MEMOIZE
		return true, u.put(uint64(len(u.memo)))
	case 'h': // BINGET
		return true, u.get(1)
	case 'j': // LONG_BINGET
		return true, u.get(4)
	default:
		return false, nil
	}
	return true, nil
}

// stepScalar runs the opcodes that push None, booleans, numbers, strings and bytes.
func (u *unpickler) stepScalar(op byte) (bool, error) {
	switch op {
	case 'N':
		u.push(nil)
	case 0x88: // NEWTRUE
		u.push(true)
	case 0x89: // NEWFALSE
		u.push(false)
	case 'K': // BININT1
		return true, u.pushUint(1)
	case 'M': // BININT2
		return true, u.pushUint(2)
	case 'J': // BININT
		b, err := u.read(4)
		if err == nil {
			u.push(int64(int32(binary.LittleEndian.Uint32(b))))
		}
		return true, err
	case 0x8a: // LONG1
		n, err := u.readUint(1)
		if err != nil {
			return true, err
		}
		return true, u.pushLong(n)
	case 0x8b: // LONG4
		n, err := u.readUint(4)
		if err != nil {
			return true, err
		}
		return true, u.pushLong(n)
	case 'G': // BINFLOAT
		b, err := u.read(8)
		if err == nil {
			u.push(math.Float64frombits(binary.BigEndian.Uint64(b)))
		}
		return true, err
	case 'X': // BINUNICODE
		return true, u.pushString(4, true)
	case 0x8c: // SHORT_BINUNICODE
		return true, u.pushString(1, true)
	case 0x8d: // BINUNICODE8
		return true, u.pushString(8, true)
	case 'U': // SHORT_BINSTRING
		return true, u.pushString(1, false)
	case 'T': // BINSTRING
		return true, u.pushString(4, false)
	case 'C': // SHORT_BINBYTES
		return true, u.pushBytes(1)
	case 'B': // BINBYTES
		return true, u.pushBytes(4)
	case 0x8e: // BINBYTES8
		return true, u.pushBytes(8)
	default:
		return false, nil
	}
	return true, nil
}

// stepSequence runs the opcodes that build tuples, lists and sets.
func (u *unpickler) stepSequence(op byte) (bool, error) {
	switch op {
	case ')': // EMPTY_TUPLE
		u.push(pyTuple{})
	case 0x85, 0x86, 0x87: // TUPLE1, TUPLE2, TUPLE3
		n := int(op - 0x84)
		if len(u.stack)-u.floor() < n {
			return true, fmt.Errorf("TUPLE%d on a stack of %d", n, len(u.stack)-u.floor())
		}
		t := append(pyTuple{}, u.stack[len(u.stack)-n:]...)
		u.stack = u.stack[:len(u.stack)-n]
		u.push(t)
	case 't': // TUPLE
		items, err := u.popMark()
		u.push(pyTuple(items))
		return true, err
	case ']': // EMPTY_LIST
		u.push(&pyList{})
	case 'l': // LIST
		items, err := u.popMark()
		u.push(&pyList{items: items})
		return true, err
	case 'a': // APPEND
		v, err := u.pop()
		if err != nil {
			return true, err
		}
		return true, u.appendTo([]any{v})
	case 'e': // APPENDS
		items, err := u.popMark()
		if err != nil {
			return true, err
		}
		return true, u.appendTo(items)
	case 0x8f: // EMPTY_SET: kept as a list
		u.push(&pyList{})
	case 0x90: // ADDITEMS
		items, err := u.popMark()
		if err != nil {
			return true, err
		}
		return true, u.appendTo(items)
	case 0x91: // FROZENSET
		items, err := u.popMark()
		u.push(&pyList{items: items})
		return true, err
	default:
		return false, nil
	}
	return true, nil
}

// stepDict runs the opcodes that build dicts.
func (u *unpickler) stepDict(op byte) (bool, error) {
	switch op {
	case '}': // EMPTY_DICT
		u.push(newDict())
	case 'd': // DICT
		items, err := u.popMark()
		if err != nil {
			return true, err
		}
		d := newDict()
		u.push(d)
		return true, setItems(d, items)
	case 's': // SETITEM
		if len(u.stack)-u.floor() < 3 {
			return true, fmt.Errorf("SETITEM on a stack of %d", len(u.stack)-u.floor())
		}
		items := u.stack[len(u.stack)-2:]
		u.stack = u.stack[:len(u.stack)-2]
		return true, u.setItems(items)
	case 'u': // SETITEMS
		items, err := u.popMark()
		if err != nil {
			return true, err
		}
		return true, u.setItems(items)
	default:
		return false, nil
	}
	return true, nil
}

// stepCall runs the opcodes that name classes and call them: globals, REDUCE,
// NEWOBJ, BUILD and persistent ids (torch's storages).
func (u *unpickler) stepCall(op byte) (bool, error) {
	switch op {
	case 'c': // GLOBAL
		module, err := u.readLine()
		if err != nil {
			return true, err
		}
		name, err := u.readLine()
		u.push(pyGlobal{module, name})
		return true, err
	case 0x93: // STACK_GLOBAL
		name, err1 := u.pop()
		module, err2 := u.pop()
		m, ok1 := module.(string)
		n, ok2 := name.(string)
		if err1 != nil || err2 != nil || !ok1 || !ok2 {
			return true, fmt.Errorf("STACK_GLOBAL wants two strings")
		}
		u.push(pyGlobal{m, n})
	case 'R': // REDUCE
		return true, u.reduce()
	case 0x81: // NEWOBJ: cls.__new__(cls, *args)
		return true, u.newObject(1)
	case 0x92: // NEWOBJ_EX: cls.__new__(cls, *args, **kwargs)
		return true, u.newObject(2)
	case 'b': // BUILD: obj.__setstate__(state); the state is not kept
		if _, err := u.pop(); err != nil {
			return true, err
		}
		_, err := u.top()
		return true, err
	case 'Q': // BINPERSID
		pid, err := u.pop()
		if err != nil {
			return true, err
		}
		if u.persistentLoad == nil {
			return true, fmt.Errorf("a persistent id, which this file cannot have")
		}
		v, err := u.persistentLoad(pid)
		u.push(v)
		return true, err
	default:
		return false, nil
	}
	return true, nil
}
