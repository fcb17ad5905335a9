package imdb

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"time"

	"github.com/schollz/progressbar/v3"
)

// remote is a file to download and what it must be.
type remote struct {
	url    string
	size   int64
	sha256 string // hex
}

// aclImdbRemote is the original archive of the Large Movie Review Dataset.
var aclImdbRemote = remote{
	url:    "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz",
	size:   84125825,
	sha256: "c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe",
}

// Download fetches aclImdb_v1.tar.gz into dir, showing a progress bar on
// standard error, and returns its path, ready for ReadArchive. It checks
// the size and SHA-256 before moving the file in place atomically, so the
// path never holds a partial file. A file already there with the right
// size and hash is not fetched again.
func Download(ctx context.Context, dir string) (string, error) {
	return download(ctx, dir, aclImdbRemote, os.Stderr)
}

func download(ctx context.Context, dir string, src remote, progress io.Writer) (string, error) {
	dest := filepath.Join(dir, path.Base(src.url))
	if verify(dest, src) == nil {
		return dest, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("imdb: download: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(dest)+".part*")
	if err != nil {
		return "", fmt.Errorf("imdb: download: %w", err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename
	err = fetch(ctx, tmp, src, progress)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = verify(tmp.Name(), src)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), dest)
	}
	if err != nil {
		return "", fmt.Errorf("imdb: download %s: %w", src.url, err)
	}
	return dest, nil
}

// fetch writes the body at src.url to w.
func fetch(ctx context.Context, w io.Writer, src remote, progress io.Writer) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, src.url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("%w (offline? pass a local copy of the data with --data PATH instead)", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("server answered %s (pass a local copy of the data with --data PATH instead)", resp.Status)
	}
	bar := progressbar.NewOptions64(src.size,
		progressbar.OptionSetWriter(progress),
		progressbar.OptionSetDescription(path.Base(src.url)),
		progressbar.OptionShowBytes(true),
		progressbar.OptionShowTotalBytes(true),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionOnCompletion(func() { fmt.Fprintln(progress) }),
	)
	// Read at most one byte more than expected, so an oversize body is caught.
	if _, err := io.Copy(io.MultiWriter(w, progressWriter{bar}), io.LimitReader(resp.Body, src.size+1)); err != nil {
		return fmt.Errorf("%w (pass a local copy of the data with --data PATH instead)", err)
	}
	return nil
}

// progressWriter advances a progress bar, ignoring its errors (it fails
// past its maximum, which verify reports better).
type progressWriter struct{ bar *progressbar.ProgressBar }

func (p progressWriter) Write(b []byte) (int, error) {
	p.bar.Add(len(b))
	return len(b), nil
}

// verify checks the size and SHA-256 of the file at name.
func verify(name string, src remote) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil {
		return err
	} else if st.Size() != src.size {
		return fmt.Errorf("got %d bytes, want %d", st.Size(), src.size)
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return err
	}
	if sum := hex.EncodeToString(h.Sum(nil)); sum != src.sha256 {
		return fmt.Errorf("sha256 %s, want %s", sum, src.sha256)
	}
	return nil
}
