package train

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/vectors"
	"github.com/torchrnn/torchrnn/vocab"
)

// embedSettings start the embedding from pretrained word vectors (package
// vectors) and may keep it fixed. config.json records the file's path,
// size and checksum; a resumed run takes its weights from its checkpoint
// and does not read the file again.
type embedSettings struct {
	Embeddings       string `json:"embeddings,omitempty"`        // GloVe, word2vec (text or binary) or fastText .vec file
	EmbeddingsFormat string `json:"embeddings_format,omitempty"` // auto, glove, word2vec or word2vec-binary
	EmbeddingsSize   int64  `json:"embeddings_size,omitempty"`   // bytes, recorded
	EmbeddingsSHA256 string `json:"embeddings_sha256,omitempty"` // recorded
	FreezeEmbed      bool   `json:"freeze_embed,omitempty"`      // no gradient for the embedding
}

func (c *embedSettings) registerEmbedFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.Embeddings, "embeddings", c.Embeddings, "start the embedding from these word vectors (GloVe, word2vec text or binary, fastText .vec): a token takes its vector, else its lower-case form's, else N(0, 1)")
	fs.StringVar(&c.EmbeddingsFormat, "embeddings-format", "auto", "format of -embeddings: auto, glove, word2vec (also fastText .vec) or word2vec-binary")
	fs.BoolVar(&c.FreezeEmbed, "freeze-embed", c.FreezeEmbed, "keep the embedding fixed while training (a tied language model's output layer too)")
}

func (c embedSettings) validateEmbed() error {
	if _, err := vectors.ParseFormat(c.EmbeddingsFormat); err != nil {
		return fmt.Errorf("-embeddings-format %q: want auto, glove, word2vec or word2vec-binary", c.EmbeddingsFormat)
	}
	return nil
}

// pretrained fills e from cfg.Embeddings for a new run (resumed: the
// checkpoint has the weights) and freezes it with cfg.FreezeEmbed. It
// returns cfg with the file's size and checksum, for config.json.
func pretrained(cfg Config, e *lstm.Embedding, v *vocab.Vocab, resumed bool, out io.Writer) (Config, error) {
	if cfg.Embeddings != "" && !resumed {
		m, size, sum, err := readVectors(cfg, e, v)
		if err != nil {
			return cfg, err
		}
		cfg.EmbeddingsSize, cfg.EmbeddingsSHA256 = size, sum
		fmt.Fprintln(out, m.Coverage)
		if err := e.SetVectors(m.Rows); err != nil {
			return cfg, err
		}
	}
	if cfg.FreezeEmbed {
		if err := e.Freeze(); err != nil {
			return cfg, err
		}
	}
	return cfg, nil
}

// readVectors streams the vectors file once: rows for v, its size and its
// SHA-256.
func readVectors(cfg Config, e *lstm.Embedding, v *vocab.Vocab) (*vectors.Matrix, int64, string, error) {
	format, err := vectors.ParseFormat(cfg.EmbeddingsFormat)
	if err != nil {
		return nil, 0, "", UsageError{err}
	}
	shape, err := e.Weight.Size()
	if err != nil {
		return nil, 0, "", err
	}
	f, err := os.Open(cfg.Embeddings)
	if err != nil {
		return nil, 0, "", UsageError{fmt.Errorf("-embeddings: %w", err)}
	}
	defer f.Close()
	h := sha256.New()
	r := &countingReader{r: io.TeeReader(f, h)}
	m, err := vectors.Read(r, v, vectors.Options{Format: format, Dim: int(shape[1]), Seed: uint64(cfg.Seed)})
	var de *vectors.DimError
	switch {
	case errors.As(err, &de):
		return nil, 0, "", UsageError{fmt.Errorf("-embeddings %s has %d dimensions, -embed is %d", cfg.Embeddings, de.File, de.Want)}
	case err != nil:
		return nil, 0, "", UsageError{fmt.Errorf("-embeddings %s: %w", cfg.Embeddings, err)}
	}
	m.File = cfg.Embeddings
	return m, r.n, hex.EncodeToString(h.Sum(nil)), nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
