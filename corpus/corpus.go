// Package corpus holds the built-in text for language models: Karpathy's
// tiny shakespeare (40,000 lines of Shakespeare's plays, 1,115,394 bytes,
// from karpathy/char-rnn data/tinyshakespeare/input.txt; the text is in the
// public domain, the repository MIT-licensed), gzip-compressed.
package corpus

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
)

//go:embed tinyshakespeare.txt.gz
var shakespeareGz []byte

// TinyShakespeare returns the text of tiny shakespeare.
func TinyShakespeare() (string, error) {
	r, err := gzip.NewReader(bytes.NewReader(shakespeareGz))
	if err != nil {
		return "", fmt.Errorf("corpus: %w", err)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return "", fmt.Errorf("corpus: %w", err)
	}
	return string(b), nil
}
