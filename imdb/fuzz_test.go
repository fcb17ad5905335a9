package imdb

import (
	"archive/tar"
	"bytes"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
)

// checkDataset verifies what every reader promises on any input.
func checkDataset(t *testing.T, d *Dataset, err error) {
	if err != nil {
		if d != nil {
			t.Fatalf("dataset and error %v", err)
		}
		if !strings.HasPrefix(err.Error(), "imdb: ") {
			t.Fatalf("error without context: %v", err)
		}
		return
	}
	for _, e := range d.Examples {
		if e.Label < 0 || e.Label >= len(d.Labels) || strings.TrimSpace(e.Text) == "" || !utf8Valid(e.Text) || e.Source == "" {
			t.Fatalf("bad example %+v (labels %q)", e, d.Labels)
		}
	}
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

// FuzzReadArchive feeds arbitrary bytes to the archive reader, raw and
// as a member of a tar with a fuzzed name.
func FuzzReadArchive(f *testing.F) {
	f.Add([]byte("hello"), "aclImdb/train/pos/1_8.txt")
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		d, err := readArchive(bytes.NewReader(data), "f.tar", Train)
		checkDataset(t, firstOrNil(d), err)
		var buf bytes.Buffer
		tw := tar.NewWriter(&buf)
		tw.WriteHeader(&tar.Header{Name: "aclImdb/train/neg/0_1.txt", Mode: 0o644, Size: 2})
		tw.Write([]byte("ok"))
		if tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data))}) == nil {
			tw.Write(data)
		}
		tw.Close()
		ds, err := readArchive(bytes.NewReader(buf.Bytes()), "f.tar", Train, Test)
		checkDataset(t, firstOrNil(ds), err)
	})
}

// FuzzReadFS reads a folder holding a file with a fuzzed name and text.
func FuzzReadFS(f *testing.F) {
	f.Add("train/neg/0_3.txt", []byte("A dull film."))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		if !fs.ValidPath(name) {
			return
		}
		fsys := fstest.MapFS{"train/pos/0_9.txt": {Data: []byte("fine")}, "train/neg/5_2.txt": {Data: []byte("meh")}}
		fsys[name] = &fstest.MapFile{Data: data}
		d, err := readFS(fsys, "fs", Train)
		checkDataset(t, d, err)
	})
}

func FuzzReadCSV(f *testing.F) {
	f.Add([]byte("review,sentiment\n\"a, b\",positive\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := readCSV(bytes.NewReader(data), "f.csv")
		checkDataset(t, d, err)
	})
}

func FuzzReadTSV(f *testing.F) {
	f.Add([]byte("text\tlabel\nfun\tcomedy\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := readTSV(bytes.NewReader(data), "f.tsv")
		checkDataset(t, d, err)
	})
}

func firstOrNil(ds []*Dataset) *Dataset {
	if len(ds) == 0 {
		return nil
	}
	return ds[0]
}
