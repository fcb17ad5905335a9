package tarball

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A gzip tar with a folder, a link and two files: Walk hands over the two
// files, in order, with their contents; a file that is no tar is an error
// naming the package and the file.
func TestWalk(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	entries := []struct {
		name, body string
		kind       byte
	}{
		{"d/", "", tar.TypeDir},
		{"d/a.txt", "alpha", tar.TypeReg},
		{"d/link", "", tar.TypeSymlink},
		{"b.txt", "beta", tar.TypeReg},
	}
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Typeflag: e.kind, Size: int64(len(e.body)), Mode: 0o644, Linkname: "../../etc/passwd"}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		io.WriteString(tw, e.body)
	}
	tw.Close()
	zw.Close()
	dir := t.TempDir()
	src := filepath.Join(dir, "x.tar.gz")
	if err := os.WriteFile(src, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	var got []string
	err := Walk(src, "pkg", func(member string, r io.Reader) error {
		b, err := io.ReadAll(r)
		got = append(got, member+"="+string(b))
		return err
	})
	if err != nil || strings.Join(got, ",") != "d/a.txt=alpha,b.txt=beta" {
		t.Fatalf("Walk: %v, %q", err, got)
	}

	bad := filepath.Join(dir, "bad.tar")
	os.WriteFile(bad, []byte("not a tar archive at all, but long enough to be read as a header block"), 0o644)
	err = Walk(bad, "pkg", func(string, io.Reader) error { return nil })
	if err == nil || !strings.HasPrefix(err.Error(), "pkg: "+bad+": ") {
		t.Fatalf("not a tar: err = %v, want one starting %q", err, "pkg: "+bad+": ")
	}
}
