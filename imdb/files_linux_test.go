package imdb

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// aclFolder makes a small aclImdb folder in a new temporary folder:
// train/neg/0_1.txt and train/pos/0_9.txt, regular files.
func aclFolder(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for label, review := range map[string]string{"neg": "0_1.txt", "pos": "0_9.txt"} {
		os.MkdirAll(filepath.Join(dir, "train", label), 0o755)
		if err := os.WriteFile(filepath.Join(dir, "train", label, review), []byte("a "+label+" review"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// readDirWithin runs ReadDir, failing the test if it has not returned
// within 10 s (a reader that opens a named pipe blocks forever).
func readDirWithin(t *testing.T, dir string) (*Dataset, error) {
	t.Helper()
	type result struct {
		d   *Dataset
		err error
	}
	done := make(chan result, 1)
	go func() {
		d, err := ReadDir(dir, Train)
		done <- result{d, err}
	}()
	select {
	case r := <-done:
		return r.d, r.err
	case <-time.After(10 * time.Second):
		t.Fatalf("ReadDir(%s) hangs", dir)
		return nil, nil
	}
}

// TestReadDirRegularFilesOnly puts one bad entry at train/pos/1_8.txt and
// checks the error names it and says what is wrong, without hanging.
func TestReadDirRegularFilesOnly(t *testing.T) {
	outside := writeFile(t, "outside.txt", []byte("not a review of this data set"))
	for _, tc := range []struct {
		name string
		make func(t *testing.T, dir, review string) error
		want string // after "imdb: read <review>: "
	}{
		{"named pipe", func(t *testing.T, dir, review string) error {
			return syscall.Mkfifo(review, 0o644)
		}, "not a regular file but a named pipe"},
		{"link to a named pipe inside", func(t *testing.T, dir, review string) error {
			if err := syscall.Mkfifo(filepath.Join(dir, "pipe"), 0o644); err != nil {
				return err
			}
			return os.Symlink(filepath.Join("..", "..", "pipe"), review)
		}, "symbolic link to " + "%DIR%/pipe: not a regular file but a named pipe"},
		{"link to a named pipe outside", func(t *testing.T, dir, review string) error {
			pipe := filepath.Join(t.TempDir(), "pipe")
			if err := syscall.Mkfifo(pipe, 0o644); err != nil {
				return err
			}
			return os.Symlink(pipe, review)
		}, "/pipe, outside the data folder %DIR%"},
		{"link to a file outside", func(t *testing.T, dir, review string) error {
			return os.Symlink(outside, review)
		}, "symbolic link to " + outside + ", outside the data folder %DIR%"},
		{"link to /etc/hostname", func(t *testing.T, dir, review string) error {
			return os.Symlink("/etc/hostname", review)
		}, ", outside the data folder %DIR%"},
		{"link to /dev/null", func(t *testing.T, dir, review string) error {
			return os.Symlink("/dev/null", review)
		}, "symbolic link to /dev/null, outside the data folder %DIR%"},
		{"link out through a link inside", func(t *testing.T, dir, review string) error {
			if err := os.Symlink(outside, filepath.Join(dir, "hop")); err != nil {
				return err
			}
			return os.Symlink(filepath.Join(dir, "hop"), review)
		}, "symbolic link to " + outside + ", outside the data folder %DIR%"},
		{"relative link up and out", func(t *testing.T, dir, review string) error {
			if err := os.WriteFile(dir+"x", []byte("next door"), 0o644); err != nil {
				return err
			}
			return os.Symlink(filepath.Join("..", "..", "..", filepath.Base(dir)+"x"), review)
		}, "symbolic link to %DIR%x, outside the data folder %DIR%"},
		{"link to a folder inside", func(t *testing.T, dir, review string) error {
			return os.Symlink(filepath.Join(dir, "train"), review)
		}, "symbolic link to %DIR%/train: not a regular file but a folder"},
		{"socket", func(t *testing.T, dir, review string) error {
			fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
			if err != nil {
				return err
			}
			defer syscall.Close(fd)
			return syscall.Bind(fd, &syscall.SockaddrUnix{Name: review})
		}, "not a regular file but a socket"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := aclFolder(t)
			review := filepath.Join(dir, "train", "pos", "1_8.txt")
			if err := tc.make(t, dir, review); err != nil {
				t.Skip("cannot make the file here:", err)
			}
			_, err := readDirWithin(t, dir)
			real, _ := filepath.EvalSymlinks(dir)
			want := strings.ReplaceAll(tc.want, "%DIR%", real)
			if err == nil || !strings.HasPrefix(err.Error(), "imdb: read "+review+": ") || !strings.Contains(err.Error(), want) {
				t.Errorf("error %v, want imdb: read %s: ...%s", err, review, want)
			}
		})
	}
}

// TestReadDirSizeCap: a review over 64 MiB is an error, as in an archive,
// whether it is the file itself or the target of a link inside the folder.
func TestReadDirSizeCap(t *testing.T) {
	for _, link := range []bool{false, true} {
		dir := aclFolder(t)
		review := filepath.Join(dir, "train", "neg", "1_2.txt")
		big := review
		if link {
			big = filepath.Join(dir, "big")
			if err := os.Symlink(big, review); err != nil {
				t.Fatal(err)
			}
		}
		f, err := os.Create(big)
		if err == nil {
			err = f.Truncate(maxReview + 1) // sparse: no 64 MiB written
			f.Close()
		}
		if err != nil {
			t.Fatal(err)
		}
		_, err = readDirWithin(t, dir)
		want := "imdb: read " + review + ": "
		if link {
			real, _ := filepath.EvalSymlinks(big)
			want += "symbolic link to " + real + ": "
		}
		if want += "67108865 bytes is too large for a review (at most 67108864)"; err == nil || err.Error() != want {
			t.Errorf("link %v: error %v, want %q", link, err, want)
		}
	}
}

// TestReadDirClasses: an empty class folder, or one whose reviews are all
// empty, is an error naming the folder; empty and invalid reviews next to
// good ones are counted in the summary.
func TestReadDirClasses(t *testing.T) {
	dir := aclFolder(t)
	os.Remove(filepath.Join(dir, "train", "neg", "0_1.txt"))
	_, err := readDirWithin(t, dir)
	want := "imdb: read " + dir + ": no reviews in train/neg (each class needs at least one non-empty text)"
	if err == nil || err.Error() != want {
		t.Errorf("empty train/neg: error %v, want %q", err, want)
	}
	os.WriteFile(filepath.Join(dir, "train", "neg", "3_1.txt"), []byte(" \n"), 0o644)
	if _, err := readDirWithin(t, dir); err == nil || err.Error() != want {
		t.Errorf("train/neg of empty reviews: error %v, want %q", err, want)
	}
	os.WriteFile(filepath.Join(dir, "train", "neg", "4_2.txt"), []byte("bad \xff"), 0o644)
	os.WriteFile(filepath.Join(dir, "train", "pos", "5_8.txt"), nil, 0o644)
	d, err := readDirWithin(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	neg := filepath.Join(dir, "train", "neg")
	want = "imdb: 1 text with invalid UTF-8 replaced by U+FFFD (at " + neg + "/4_2.txt); 2 empty texts dropped (first at " + neg + "/3_1.txt)"
	if got := d.WarningSummary(); d.Len() != 2 || got != want {
		t.Errorf("%d examples, summary\n%q\nwant\n%q", d.Len(), got, want)
	}
}

// TestReadDirClassFolderLink: a class folder that links outside the data
// folder is an error naming it; one linking inside is read.
func TestReadDirClassFolderLink(t *testing.T) {
	dir, elsewhere := aclFolder(t), aclFolder(t)
	neg := filepath.Join(dir, "train", "neg")
	os.RemoveAll(neg)
	if err := os.Symlink(filepath.Join(elsewhere, "train", "neg"), neg); err != nil {
		t.Fatal(err)
	}
	_, err := readDirWithin(t, dir)
	if want := "imdb: read " + neg + ": symbolic link to "; err == nil || !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), "outside the data folder") {
		t.Errorf("error %v, want %q...outside the data folder", err, want)
	}
	os.Remove(neg)
	os.Rename(filepath.Join(elsewhere, "train", "neg"), filepath.Join(dir, "negatives"))
	os.Symlink(filepath.Join("..", "negatives"), neg)
	if d, err := readDirWithin(t, dir); err != nil || d.Len() != 2 {
		t.Errorf("class folder linked inside: %v, %v", d, err)
	}
}

// readAll reads a file whole whatever size fstat gave: the right one (one
// read), a smaller one (the file grew since) or a larger one (it shrank);
// the texts read before, which share the arena's blocks, stay as they were.
func TestReadAllWhateverTheStatSize(t *testing.T) {
	var a textArena
	var texts, want []string
	for k, n := range []int{0, 1, 100, 64<<10 + 3, 300 << 10, 1000, 200 << 10, 5} {
		line := strings.Repeat(string(rune('a'+k)), 7) + "\n" // each file its own letter
		text := strings.Repeat(line, n/8+1)[:n]
		path := filepath.Join(t.TempDir(), "review.txt")
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, size := range []int64{int64(n), 0, int64(n / 2), int64(n) + 10} {
			fd, err := syscall.Open(path, syscall.O_RDONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			got, err := readAll(fd, size, &a)
			syscall.Close(fd)
			if err != nil || got != text {
				t.Errorf("%d bytes, stat size %d: %d bytes read, error %v", n, size, len(got), err)
			}
			texts, want = append(texts, got), append(want, text)
		}
	}
	for i := range texts {
		if texts[i] != want[i] {
			t.Errorf("text %d (%d bytes) changed after later reads", i, len(want[i]))
		}
	}
}
