package imdb

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/ulikunitz/xz"
)

// fixture is the small committed aclImdb folder.
var fixture = filepath.Join("testdata", "aclImdb")

// sharedArchive returns the real aclImdb archive, $TORCHRNN_DATA or else
// ../../shared/data from this package, or skips the test when it is absent.
// Point TORCHRNN_DATA at a missing folder to run the suite as if offline.
func sharedArchive(t testing.TB) string {
	dir := os.Getenv("TORCHRNN_DATA")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "data")
	}
	path := filepath.Join(dir, "imdb", "aclImdb_v1.tar.xz")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("skipping: no IMDB archive at %s (set TORCHRNN_DATA to the folder holding imdb/aclImdb_v1.tar.xz): %v", path, err)
	}
	return path
}

// tarOf returns a tar of the files of fsys, each under prefix.
func tarOf(t testing.TB, fsys fs.FS, prefix string) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		if err := tw.WriteHeader(&tar.Header{Name: prefix + p, Mode: 0o644, Size: int64(len(data))}); err != nil {
			return err
		}
		_, err = tw.Write(data)
		return err
	})
	if err == nil {
		err = tw.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gzipOf(t testing.TB, data []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func xzOf(t testing.TB, data []byte) []byte {
	var buf bytes.Buffer
	zw, err := xz.NewWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	zw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// writeFile writes data to a new file in a temporary folder.
func writeFile(t testing.TB, name string, data []byte) string {
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
