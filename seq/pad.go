package seq

import (
	"errors"
	"fmt"
)

// Truncate says which end of a sequence survives when it is longer than the
// maximum length.
type Truncate int

const (
	// KeepHead keeps the first maxLen tokens and drops the rest.
	KeepHead Truncate = iota
	// KeepTail keeps the last maxLen tokens and drops the beginning. This is
	// what sentiment models on IMDB usually want: a review tends to end on
	// its verdict, and an RNN's final hidden state is shaped most by the
	// tokens it read last.
	KeepTail
)

// String returns "KeepHead" or "KeepTail".
func (t Truncate) String() string {
	switch t {
	case KeepHead:
		return "KeepHead"
	case KeepTail:
		return "KeepTail"
	}
	return fmt.Sprintf("Truncate(%d)", int(t))
}

// cut returns the part of s that t keeps under maxLen (<= 0: all of it).
func (t Truncate) cut(s []int64, maxLen int) []int64 {
	if maxLen <= 0 || len(s) <= maxLen {
		return s
	}
	if t == KeepTail {
		return s[len(s)-maxLen:]
	}
	return s[:maxLen]
}

// EmptyPolicy says what padding does with a zero-length sequence.
type EmptyPolicy int

const (
	// RejectEmpty, the default, fails with an *EmptySequenceError. An empty
	// sequence has no final state to classify and cannot be packed, so it is
	// almost always a tokenizer or data bug worth hearing about.
	RejectEmpty EmptyPolicy = iota
	// PadEmpty gives an empty sequence length 1 holding one pad token, so
	// that a model (and packing, which needs lengths >= 1) can still run.
	PadEmpty
)

// EmptySequenceError reports a zero-length sequence under RejectEmpty.
type EmptySequenceError struct {
	Index int // position of the sequence in the batch
}

func (e *EmptySequenceError) Error() string {
	return fmt.Sprintf("seq: sequence %d of batch is empty", e.Index)
}

// Padding configures [Padding.Pad]. The zero value pads with id 0, never
// truncates, and rejects empty sequences.
type Padding struct {
	MaxLen   int         // keep at most this many tokens per sequence; 0 keeps all, < 0 is an error
	Truncate Truncate    // which end survives truncation
	PadID    int64       // id written into padding slots
	Empty    EmptyPolicy // what to do with a zero-length sequence
}

// Pad is [Padding.Pad] with empty sequences rejected; maxLen 0 keeps all.
func Pad(seqs [][]int64, maxLen int, trunc Truncate, padID int64) (ids, lengths []int64, T int, err error) {
	return Padding{MaxLen: maxLen, Truncate: trunc, PadID: padID}.Pad(seqs)
}

// Pad truncates each sequence to p.MaxLen tokens, then pads every one on the
// right with p.PadID up to T, the longest kept length in this batch (not
// MaxLen: a batch of short reviews stays short). The result is batch-first:
//
//	seqs [B=3]      MaxLen 4, KeepHead      MaxLen 4, KeepTail
//	                ids [3, 4]   lengths    ids [3, 4]   lengths
//	a b c d e f     a b c d      4          c d e f      4
//	g h             g h _ _      2          g h _ _      2
//	i j k           i j k _      3          i j k _      3
//
// where _ is PadID. ids is row-major [B, T] (row b is ids[b*T:(b+1)*T]) and
// lengths[b] counts the real tokens in row b, as pack_padded_sequence wants.
// The input slices are not modified.
//
// A zero-length sequence is an error naming its position
// ("seq: sequence 3 of batch is empty") unless p.Empty is PadEmpty, which
// gives it length 1 and a single pad token. An empty batch and a negative
// MaxLen are errors. Any MaxLen >= 0 is safe: T never exceeds the longest
// sequence given.
func (p Padding) Pad(seqs [][]int64) (ids, lengths []int64, T int, err error) {
	if lengths, T, err = p.Shape(seqs); err != nil {
		return nil, nil, 0, err
	}
	ids = make([]int64, len(seqs)*T) // [B, T]
	p.fill(ids, seqs, T)
	return ids, lengths, T, nil
}

// Shape checks seqs as [Padding.Pad] does and returns the lengths and the
// width T that Pad would give, without padding: with [Padding.PadInto],
// the batch can be written straight into memory the caller already has,
// such as a tensor's.
func (p Padding) Shape(seqs [][]int64) (lengths []int64, T int, err error) {
	if p.MaxLen < 0 {
		return nil, 0, fmt.Errorf("seq: maximum length %d must not be negative (0 keeps all)", p.MaxLen)
	}
	if p.Truncate != KeepHead && p.Truncate != KeepTail {
		return nil, 0, fmt.Errorf("seq: unknown truncation %v", p.Truncate)
	}
	if p.Empty != RejectEmpty && p.Empty != PadEmpty {
		return nil, 0, fmt.Errorf("seq: unknown empty-sequence policy %d", int(p.Empty))
	}
	if len(seqs) == 0 {
		return nil, 0, errors.New("seq: no sequences to pad")
	}
	lengths = make([]int64, len(seqs))
	for i, s := range seqs {
		if len(s) == 0 && p.Empty == RejectEmpty {
			return nil, 0, &EmptySequenceError{Index: i}
		}
		lengths[i] = int64(max(len(p.Truncate.cut(s, p.MaxLen)), 1))
		T = max(T, int(lengths[i]))
	}
	return lengths, T, nil
}

// PadInto writes the batch [Padding.Pad] makes of seqs into ids:
// row-major [B, T] with B = len(seqs), every value written (ids may hold
// anything before), T at least the width [Padding.Shape] gives. It fails
// as Pad does, or when T is too small or len(ids) is not B*T, and then
// leaves ids unchanged.
func (p Padding) PadInto(ids []int64, seqs [][]int64, T int) error {
	_, width, err := p.Shape(seqs)
	if err != nil {
		return err
	}
	if T < width || len(ids) != len(seqs)*T {
		return fmt.Errorf("seq: %d values of width %d for %d sequences, want width >= %d and width*%d values",
			len(ids), T, len(seqs), width, len(seqs))
	}
	p.fill(ids, seqs, T)
	return nil
}

// fill writes seqs, cut and padded to T, into ids [len(seqs), T].
func (p Padding) fill(ids []int64, seqs [][]int64, T int) {
	for i, s := range seqs {
		row := ids[i*T : (i+1)*T]
		for j := copy(row, p.Truncate.cut(s, p.MaxLen)); j < T; j++ {
			row[j] = p.PadID
		}
	}
}
