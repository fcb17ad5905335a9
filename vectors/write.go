package vectors

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Write writes words and their vectors (all of one length) in format
// (Auto means GloVe): the shortest decimal that reads back to the same
// float32 in the text formats. It exports a trained embedding for other
// tools, and makes test files. Words must be valid UTF-8 without spaces or
// line ends.
func Write(w io.Writer, format Format, words []string, vecs [][]float32) error {
	if len(words) != len(vecs) {
		return fmt.Errorf("vectors: write: %d words, %d vectors", len(words), len(vecs))
	}
	dim := 0
	if len(vecs) > 0 {
		dim = len(vecs[0])
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	if format != GloVe && format != Auto {
		fmt.Fprintf(bw, "%d %d\n", len(words), dim)
	}
	var num []byte
	var raw [4]byte
	for i, word := range words {
		if word == "" || !utf8.ValidString(word) || strings.ContainsAny(word, " \n\r") {
			return fmt.Errorf("vectors: write: word %d (%q) is empty, not UTF-8, or holds a space or line end", i, word)
		}
		if len(vecs[i]) != dim {
			return fmt.Errorf("vectors: write: %q has %d values, the first word %d", word, len(vecs[i]), dim)
		}
		bw.WriteString(word)
		if format == Word2VecBinary {
			bw.WriteByte(' ')
		}
		for _, f := range vecs[i] {
			if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
				return fmt.Errorf("vectors: write: %q has the value %g", word, f)
			}
			if format == Word2VecBinary {
				binary.LittleEndian.PutUint32(raw[:], math.Float32bits(f))
				bw.Write(raw[:])
			} else {
				num = strconv.AppendFloat(append(num[:0], ' '), float64(f), 'g', -1, 32)
				bw.Write(num)
			}
		}
		if err := bw.WriteByte('\n'); err != nil {
			return fmt.Errorf("vectors: write: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("vectors: write: %w", err)
	}
	return nil
}
