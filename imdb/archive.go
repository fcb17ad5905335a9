package imdb

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/ulikunitz/xz"
)

// maxReview bounds the size of one review file in an archive or a folder.
const maxReview = 64 << 20

// ReadArchive reads one split of the aclImdb layout from a tar archive,
// plain, gzip (.tar.gz, .tgz) or xz (.tar.xz) compressed, as a stream
// without unpacking it. The compression is recognised from the content,
// not the name. Order as ReadDir; sources are the member names.
func ReadArchive(path string, split Split) (*Dataset, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("imdb: read %w", err)
	}
	defer f.Close()
	ds, err := readArchive(f, path, split)
	if err != nil {
		return nil, err
	}
	return ds[0], nil
}

// ReadArchiveSplits reads both splits in one pass over the archive, which
// halves the time for a .tar.xz (pure-Go xz decodes at about 30 MB/s).
func ReadArchiveSplits(path string) (train, test *Dataset, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("imdb: read %w", err)
	}
	defer f.Close()
	ds, err := readArchive(f, path, Train, Test)
	if err != nil {
		return nil, nil, err
	}
	return ds[0], ds[1], nil
}

var (
	gzipMagic = []byte{0x1f, 0x8b}
	xzMagic   = []byte{0xfd, '7', 'z', 'X', 'Z', 0x00}
)

// decompress returns r decompressed according to its magic bytes.
func decompress(r io.Reader) (io.Reader, error) {
	br := bufio.NewReaderSize(r, 1<<20)
	magic, _ := br.Peek(len(xzMagic))
	switch {
	case bytes.HasPrefix(magic, gzipMagic):
		return gzip.NewReader(br)
	case bytes.HasPrefix(magic, xzMagic):
		return xz.NewReader(br)
	}
	return br, nil
}

// readArchive reads the given splits from one pass over a tar stream.
func readArchive(r io.Reader, name string, splits ...Split) ([]*Dataset, error) {
	zr, err := decompress(r)
	if err != nil {
		return nil, fmt.Errorf("imdb: read %s: %w", name, err)
	}
	reviews := make([][]aclReview, len(splits))
	tr := tar.NewReader(zr)
	var buf []byte
	last := "the first entry"
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("imdb: read %s: after %s (truncated or corrupt?): %w", name, last, err)
		}
		last = hdr.Name
		f, ok, err := parseACLPath(hdr.Name)
		if err != nil {
			return nil, fmt.Errorf("imdb: read %s: %s: %w", name, hdr.Name, err)
		}
		k := slices.Index(splits, f.split)
		if !ok || k < 0 || hdr.Typeflag != tar.TypeReg {
			continue
		}
		if hdr.Size > maxReview {
			return nil, fmt.Errorf("imdb: read %s: %s: %d bytes is too large for a review", name, hdr.Name, hdr.Size)
		}
		if int64(cap(buf)) < hdr.Size {
			buf = make([]byte, hdr.Size)
		}
		buf = buf[:hdr.Size]
		if _, err := io.ReadFull(tr, buf); err != nil {
			return nil, fmt.Errorf("imdb: read %s: %s (truncated or corrupt?): %w", name, hdr.Name, err)
		}
		reviews[k] = append(reviews[k], aclReview{f, string(buf)})
	}
	// Read to the end, so the decompressor verifies its checksum.
	if _, err := io.Copy(io.Discard, zr); err != nil {
		return nil, fmt.Errorf("imdb: read %s: after the last entry (truncated or corrupt?): %w", name, err)
	}
	out := make([]*Dataset, len(splits))
	for k, split := range splits {
		if out[k], err = newACLDataset(name, split, reviews[k]); err != nil {
			return nil, err
		}
	}
	return out, nil
}
