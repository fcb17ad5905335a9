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
	if p.MaxLen < 0 {
		return nil, nil, 0, fmt.Errorf("seq: maximum length %d must not be negative (0 keeps all)", p.MaxLen)
	}
	if p.Truncate != KeepHead && p.Truncate != KeepTail {
		return nil, nil, 0, fmt.Errorf("seq: unknown truncation %v", p.Truncate)
	}
	if p.Empty != RejectEmpty && p.Empty != PadEmpty {
		return nil, nil, 0, fmt.Errorf("seq: unknown empty-sequence policy %d", int(p.Empty))
	}
	if len(seqs) == 0 {
		return nil, nil, 0, errors.New("seq: no sequences to pad")
	}
	kept := make([][]int64, len(seqs))
	lengths = make([]int64, len(seqs))
	for i, s := range seqs {
		if len(s) == 0 && p.Empty == RejectEmpty {
			return nil, nil, 0, &EmptySequenceError{Index: i}
		}
		kept[i] = p.Truncate.cut(s, p.MaxLen)
		lengths[i] = int64(max(len(kept[i]), 1))
		T = max(T, int(lengths[i]))
	}
	ids = make([]int64, len(seqs)*T) // [B, T]
	for i, s := range kept {
		row := ids[i*T : (i+1)*T]
		for j := copy(row, s); j < T; j++ {
			row[j] = p.PadID
		}
	}
	return ids, lengths, T, nil
}
