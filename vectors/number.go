package vectors

import "bytes"

// A number is what strconv.ParseFloat reads in decimal: [+-] digits
// [. digits] [e [+-] digits], or with digits after the point only. The
// checks below run an automaton over the bytes, one table lookup each;
// space separates numbers. They never convert: a value of a word nobody
// asked for is checked, not parsed.

// numbers returns how many well-formed space-separated numbers lead b:
// all of them when every one is well formed.
func numbers(b []byte) int {
	n, state := 0, uint8(sStart)
	for _, c := range b {
		state = next[state][c]
		if state == sBad {
			return n
		}
		if state == sStart {
			n++
		}
	}
	if !final[state] {
		return n
	}
	return n + 1
}

// allNumbers reports whether every space-separated field of b is a
// number, as numbers(b) == fields would, faster: four automata run side by
// side over four stretches of b, cut at spaces, so that each step waits on
// no other (a single automaton waits on its last lookup at every byte).
func allNumbers(b []byte) bool {
	const lanes = 4
	var cut [lanes + 1]int
	cut[lanes] = len(b)
	for i := 1; i < lanes; i++ {
		at := max(cut[i-1], i*len(b)/lanes)
		sp := bytes.IndexByte(b[at:], ' ')
		if sp < 0 {
			cut[i] = len(b)
		} else {
			cut[i] = at + sp + 1 // the lane starts after the space
		}
	}
	shortest := len(b)
	for i := range lanes {
		shortest = min(shortest, cut[i+1]-cut[i])
	}
	l0 := b[cut[0] : cut[0]+shortest]
	l1 := b[cut[1] : cut[1]+shortest][:len(l0)]
	l2 := b[cut[2] : cut[2]+shortest][:len(l0)]
	l3 := b[cut[3] : cut[3]+shortest][:len(l0)]
	var s0, s1, s2, s3 uint8
	for k := range l0 {
		s0 = next[s0&15][l0[k]]
		s1 = next[s1&15][l1[k]]
		s2 = next[s2&15][l2[k]]
		s3 = next[s3&15][l3[k]]
	}
	s := [lanes]uint8{s0, s1, s2, s3}
	for i := range lanes {
		for _, c := range b[cut[i]+shortest : cut[i+1]] {
			s[i] = next[s[i]][c]
		}
		switch {
		case cut[i] == cut[i+1]: // an empty lane: b has fewer fields than lanes
		case cut[i+1] == len(b) && !final[s[i]]: // the last number must be complete
			return false
		case cut[i+1] < len(b) && s[i] != sStart: // the lane ends with the space after a number
			return false
		}
	}
	return len(b) > 0
}

// States of the automaton; sBad absorbs.
const (
	sStart    = iota // before a number, after a space
	sSign            // + or -
	sInt             // digits
	sDot             // a point after digits: final ("1." reads)
	sDotFirst        // a point with no digit before it
	sFrac            // digits after the point
	sExp             // e or E
	sExpSign         // e+ or e-
	sExpInt          // exponent digits
	sBad
	nStates = 16 // a power of two: state&15 needs no bounds check
)

var (
	next  [nStates][256]uint8
	final = [nStates]bool{sInt: true, sDot: true, sFrac: true, sExpInt: true}
)

func init() {
	for s := range next {
		for c := range next[s] {
			next[s][c] = sBad
		}
		if final[s] {
			next[s][' '] = sStart
		}
	}
	digits := func(from, to uint8) {
		for c := '0'; c <= '9'; c++ {
			next[from][c] = to
		}
	}
	set := func(from uint8, chars string, to uint8) {
		for _, c := range []byte(chars) {
			next[from][c] = to
		}
	}
	set(sStart, "+-", sSign)
	digits(sStart, sInt)
	set(sStart, ".", sDotFirst)
	digits(sSign, sInt)
	set(sSign, ".", sDotFirst)
	digits(sInt, sInt)
	set(sInt, ".", sDot)
	set(sInt, "eE", sExp)
	digits(sDot, sFrac)
	set(sDot, "eE", sExp)
	digits(sDotFirst, sFrac)
	digits(sFrac, sFrac)
	set(sFrac, "eE", sExp)
	set(sExp, "+-", sExpSign)
	digits(sExp, sExpInt)
	digits(sExpSign, sExpInt)
	digits(sExpInt, sExpInt)
}
