//go:build !linux

package imdb

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// dirReader reads files below a root with os.Open. (On Linux it uses
// openat(2) on folder descriptors instead, which is faster.)
type dirReader struct {
	root string // as given, for paths
	real string // absolute, links resolved: the data folder links must stay in
}

func newDirReader(root string, split Split) (*dirReader, error) {
	real, err := realFolder(root, split)
	if err != nil {
		return nil, err
	}
	return &dirReader{root, real}, nil
}

// ReadFile reads the regular file at the slash-separated path p below the
// root, following a symbolic link only inside the data folder.
func (r *dirReader) ReadFile(p string, _ *textArena) (string, error) {
	name := filepath.Join(r.root, filepath.FromSlash(p))
	fi, err := os.Lstat(name)
	if err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		if name, err = resolveInside(r.real, name); err == nil {
			fi, err = os.Stat(name)
		}
	}
	if err != nil {
		return "", err
	}
	if err := checkRegular(fi.Mode(), fi.Size()); err != nil {
		return "", err
	}
	f, err := os.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxReview+1))
	if err == nil && len(b) > maxReview {
		err = fmt.Errorf("more than %d bytes is too large for a review", maxReview)
	}
	return string(b), err
}

// Close does nothing.
func (r *dirReader) Close() error { return nil }
