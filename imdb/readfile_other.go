//go:build !linux

package imdb

import (
	"os"
	"path/filepath"
)

// dirReader reads files below a root with os.ReadFile. (On Linux it uses
// openat(2) on folder descriptors instead, which is faster.)
type dirReader struct{ root string }

func newDirReader(root string, _ Split) (*dirReader, error) { return &dirReader{root}, nil }

// ReadFile reads the file at the slash-separated path p below the root.
func (r *dirReader) ReadFile(p string, _ *[]byte) (string, error) {
	b, err := os.ReadFile(filepath.Join(r.root, filepath.FromSlash(p)))
	return string(b), err
}

// Close does nothing.
func (r *dirReader) Close() error { return nil }
