package imdb

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

// summary is what the fixture tests compare: "label rating source-base".
func summary(d *Dataset) []string {
	var out []string
	for _, e := range d.Examples {
		out = append(out, d.Labels[e.Label]+" "+strconv.Itoa(e.Rating)+" "+filepath.Base(e.Source))
	}
	return out
}

var wantTrain = []string{"neg 3 0_3.txt", "neg 1 2_1.txt", "neg 2 10_2.txt", "pos 9 0_9.txt", "pos 7 1_7.txt", "pos 10 11_10.txt"}

func TestReadDir(t *testing.T) {
	for _, dir := range []string{fixture, "testdata"} { // aclImdb itself or its parent
		d, err := ReadDir(dir, Train)
		if err != nil {
			t.Fatal(err)
		}
		if got := summary(d); !slices.Equal(got, wantTrain) {
			t.Errorf("ReadDir(%s) = %q, want %q", dir, got, wantTrain)
		}
		if d.Examples[0].Source != filepath.Join(fixture, "train", "neg", "0_3.txt") ||
			!strings.HasPrefix(d.Examples[0].Text, "A dull film.") || len(d.Warnings) != 0 {
			t.Errorf("first example %+v, warnings %v", d.Examples[0], d.Warnings)
		}
	}
	d, err := Read(fixture, Test)
	if err != nil || d.Len() != 2 || d.Examples[1].Rating != 10 {
		t.Fatalf("Read(test) = %v, %v", d, err)
	}
}

func TestReadArchive(t *testing.T) {
	raw := tarOf(t, os.DirFS(fixture), "aclImdb/")
	for name, data := range map[string][]byte{"x.tar": raw, "x.tar.gz": gzipOf(t, raw), "x.tar.xz": xzOf(t, raw)} {
		path := writeFile(t, name, data)
		d, err := ReadArchive(path, Train)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := summary(d); !slices.Equal(got, wantTrain) {
			t.Errorf("%s: got %q, want %q", name, got, wantTrain)
		}
		if d.Examples[3].Source != "aclImdb/train/pos/0_9.txt" {
			t.Errorf("%s: source %q", name, d.Examples[3].Source)
		}
		if d2, err := Read(path, Test); err != nil || d2.Len() != 2 {
			t.Errorf("%s: Read(test) = %v, %v", name, d2, err)
		}
	}
}

func TestReadErrors(t *testing.T) {
	raw := tarOf(t, os.DirFS(fixture), "aclImdb/")
	xzData := xzOf(t, raw)
	gzData := gzipOf(t, raw)
	corrupt := slices.Clone(gzData)
	corrupt[len(corrupt)/2] ^= 0xff
	badName := fstest.MapFS{"train/neg/x_1.txt": {Data: []byte("a")}, "train/pos/1_8.txt": {Data: []byte("b")}}
	oneClass := fstest.MapFS{"train/pos/1_8.txt": {Data: []byte("b")}, "test/neg/1_1.txt": {Data: []byte("a")}}
	dup := fstest.MapFS{"train/neg/1_1.txt": {Data: []byte("a")}, "a/train/neg/1_2.txt": {Data: []byte("b")}}
	for _, tc := range []struct {
		name string
		read func() (*Dataset, error)
		want string
	}{
		{"missing", func() (*Dataset, error) { return ReadDir("testdata/nope", Train) }, "testdata/nope"},
		{"not acl", func() (*Dataset, error) { return ReadDir("testdata/aclImdb/train", Train) }, "no train folder"},
		{"no split", func() (*Dataset, error) { return Read("testdata/nope.csv", Train) }, "pass a local aclImdb folder"},
		{"truncated xz", func() (*Dataset, error) { return ReadArchive(writeFile(t, "t.tar.xz", xzData[:len(xzData)/2]), Train) }, "truncated or corrupt"},
		{"truncated gz", func() (*Dataset, error) { return ReadArchive(writeFile(t, "t.tar.gz", gzData[:len(gzData)-12]), Train) }, "truncated or corrupt"},
		{"corrupt gz", func() (*Dataset, error) { return ReadArchive(writeFile(t, "c.tar.gz", corrupt), Train) }, "c.tar.gz"},
		{"not tar", func() (*Dataset, error) { return ReadArchive(writeFile(t, "n.tar", []byte("hello world")), Train) }, "n.tar"},
		{"empty tar", func() (*Dataset, error) { return ReadArchive(writeFile(t, "e.tar", make([]byte, 1024)), Train) }, "no reviews in train/neg or train/pos"},
		{"bad name", func() (*Dataset, error) { return readFS(badName, "fs", Train) }, "fs/train/neg/x_1.txt: review file name is not <id>_<rating>.txt"},
		{"one class", func() (*Dataset, error) {
			return ReadArchive(writeFile(t, "o.tar", tarOf(t, oneClass, "aclImdb/")), Train)
		},
			"o.tar: no reviews in train/neg (each class needs at least one non-empty text)"},
		{"duplicate", func() (*Dataset, error) { return ReadArchive(writeFile(t, "d.tar", tarOf(t, dup, "")), Train) }, "same id"},
	} {
		_, err := tc.read()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to contain %q", tc.name, err, tc.want)
		}
	}
}

func TestWarnings(t *testing.T) {
	fsys := fstest.MapFS{
		"train/neg/0_1.txt": {Data: []byte("fine")},
		"train/neg/1_1.txt": {Data: []byte(" \n\t")},
		"train/pos/0_8.txt": {Data: []byte("line one\nbad \xff\xfe byte")},
	}
	d, err := readFS(fsys, "fs", Train)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"fs/train/neg/1_1.txt: empty review skipped",
		"fs/train/pos/0_8.txt: 2 invalid UTF-8 byte(s) replaced with U+FFFD (first on line 2 of the text)",
	}
	var got []string
	for _, w := range d.Warnings {
		got = append(got, w.String())
	}
	if !slices.Equal(got, want) {
		t.Errorf("warnings\n%q\nwant\n%q", got, want)
	}
	if d.Len() != 2 || d.Examples[1].Text != "line one\nbad \uFFFD\uFFFD byte" {
		t.Errorf("examples %+v", d.Examples)
	}
}

func TestReadDirSymlinkAndBadFile(t *testing.T) {
	dir := t.TempDir()
	for _, label := range []string{"neg", "pos"} {
		if err := os.MkdirAll(filepath.Join(dir, "train", label), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	os.Mkdir(filepath.Join(dir, "extra"), 0o755)
	os.WriteFile(filepath.Join(dir, "extra", "review.txt"), []byte("Linked review."), 0o644)
	// A relative link to a file inside the data folder is followed.
	if err := os.Symlink(filepath.Join("..", "..", "extra", "review.txt"), filepath.Join(dir, "train", "pos", "4_8.txt")); err != nil {
		t.Skip("no symlinks here:", err)
	}
	os.WriteFile(filepath.Join(dir, "train", "neg", "3_2.txt"), []byte("Plain review."), 0o644)
	d, err := ReadDir(dir, Train)
	if err != nil || d.Len() != 2 || d.Examples[1].Text != "Linked review." {
		t.Fatalf("ReadDir = %+v, %v", d, err)
	}
	if err := os.Mkdir(filepath.Join(dir, "train", "pos", "5_9.txt"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.Symlink(filepath.Join(dir, "missing"), filepath.Join(dir, "train", "neg", "6_1.txt"))
	_, err = ReadDir(dir, Train)
	if want := filepath.Join(dir, "train", "neg", "6_1.txt"); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("dangling link: error %v, want it to name %s", err, want)
	}
}
