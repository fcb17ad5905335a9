// Package tarball walks the regular files of a plain, gzip or xz tar
// archive, for the readers of data sets that come as one archive.
package tarball

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"

	"github.com/ulikunitz/xz"
)

// Walk hands take each regular file of the archive at src, in the
// archive's order, with the member's name; other entries (folders, links)
// are skipped. The archive's own errors read "pkg: src: ..."; take's are
// returned as they are. Nothing is extracted.
func Walk(src, pkg string, take func(member string, r io.Reader) error) error {
	f, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("%s: %w", pkg, err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<20)
	magic, _ := br.Peek(6)
	var r io.Reader = br
	switch {
	case bytes.HasPrefix(magic, []byte{0x1f, 0x8b}):
		if r, err = gzip.NewReader(br); err != nil {
			return fmt.Errorf("%s: %s: %w", pkg, src, err)
		}
	case bytes.HasPrefix(magic, []byte{0xfd, '7', 'z', 'X', 'Z', 0x00}):
		if r, err = xz.NewReader(br); err != nil {
			return fmt.Errorf("%s: %s: %w", pkg, src, err)
		}
	}
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %s: not a readable tar archive: %w", pkg, src, err)
		}
		if h.Typeflag == tar.TypeReg {
			if err := take(h.Name, tr); err != nil {
				return err
			}
		}
	}
}
