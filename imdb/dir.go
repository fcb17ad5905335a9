package imdb

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"unsafe"
)

// ReadDir reads one split of the aclImdb layout from a folder: dir is the
// aclImdb folder itself or a folder holding it. Examples are in the order
// of the package documentation: by label (neg, pos), then numeric id.
// Sources are file paths.
//
// Reviews must be regular files of at most 64 MiB, as in an archive. A
// symbolic link is followed only to a regular file inside the aclImdb
// folder; a link leading outside it or to a named pipe or a device, and a
// review that is a named pipe or a device, are errors naming the file.
func ReadDir(dir string, split Split) (*Dataset, error) {
	root := dir
	if _, err := os.Stat(filepath.Join(dir, string(split))); err != nil {
		if _, err2 := os.Stat(filepath.Join(dir, "aclImdb", string(split))); err2 != nil {
			if _, err3 := os.Stat(dir); err3 != nil {
				return nil, fmt.Errorf("imdb: read %w", err3)
			}
			return nil, fmt.Errorf("imdb: read %s: no %s folder in it or in %s (want the aclImdb layout <split>/{neg,pos}/<id>_<rating>.txt)",
				dir, split, filepath.Join(dir, "aclImdb"))
		}
		root = filepath.Join(dir, "aclImdb")
	}
	rd, err := newDirReader(root, split)
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	return readACL(os.DirFS(root), rd.ReadFile, root, split)
}

// readFS reads split from fsys, whose root holds the split folders.
func readFS(fsys fs.FS, name string, split Split) (*Dataset, error) {
	return readACL(fsys, func(p string, _ *textArena) (string, error) {
		b, err := fs.ReadFile(fsys, p)
		return string(b), err
	}, name, split)
}

// readFunc returns the content of the file at a slash-separated path; it
// may take the text's memory from a, which belongs to the calling goroutine.
type readFunc func(path string, a *textArena) (string, error)

// readACL lists split in fsys and reads the review files with read. name
// is prepended to file paths in sources and errors.
func readACL(fsys fs.FS, read readFunc, name string, split Split) (*Dataset, error) {
	// The class folders are listed at once.
	lists := make([][]aclFile, len(sentiments))
	errs := make([]error, len(sentiments))
	var wg sync.WaitGroup
	for i, label := range sentiments {
		wg.Go(func() { lists[i], errs[i] = listACL(fsys, name, path.Join(string(split), label)) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err // the first class's, as when listed in turn
		}
	}
	reviews, err := readFiles(read, name, slices.Concat(lists...))
	if err != nil {
		return nil, err
	}
	return newACLDataset(name, split, reviews)
}

// listACL lists the review files of one class folder dir.
func listACL(fsys fs.FS, name, dir string) ([]aclFile, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("imdb: read %s: %w", filepath.Join(name, dir), err)
	}
	files := make([]aclFile, 0, len(entries))
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		f, ok, err := parseACLPath(path.Join(dir, e.Name()))
		if err == nil && ok && !e.Type().IsRegular() && e.Type()&fs.ModeSymlink == 0 {
			err = checkRegular(e.Type(), 0) // a named pipe or a device: never opened
		}
		if err != nil {
			return nil, fmt.Errorf("imdb: read %s: %w", filepath.Join(name, dir, e.Name()), err)
		}
		if ok {
			files = append(files, f)
		}
	}
	return files, nil
}

// readFiles reads files concurrently; sources get the prefix name.
func readFiles(read readFunc, name string, files []aclFile) ([]aclReview, error) {
	reviews := make([]aclReview, len(files))
	errs := make([]error, len(files))
	workers := min(len(files), 4*runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			var a textArena
			for i := w; i < len(files); i += workers {
				f := files[i]
				text, err := read(f.path, &a)
				f.path = filepath.Join(name, filepath.FromSlash(f.path))
				if err != nil {
					errs[i] = fmt.Errorf("imdb: read %s: %w", f.path, err)
				}
				reviews[i] = aclReview{f, text}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err // the first in order, for deterministic errors
		}
	}
	return reviews, nil
}

// textArena hands out the memory of the texts one goroutine reads from
// blocks of arenaBlock bytes, so that reading the 25,000 reviews of a split
// makes a few dozen allocations instead of 25,000 and the garbage
// collector runs less while the data set's heap grows. A text keeps its
// whole block alive, which suits texts that are kept together.
type textArena struct{ free []byte }

const arenaBlock = 1 << 20

// room returns an empty slice with room for n bytes, at the start of the
// current block's free part if they fit (a new block if not; a text above
// a quarter of a block gets memory of its own).
func (a *textArena) room(n int) []byte {
	if n > arenaBlock/4 {
		return make([]byte, 0, n)
	}
	if cap(a.free) < n {
		a.free = make([]byte, arenaBlock)
	}
	return a.free[:0:n]
}

// text returns buf, filled since room gave it, as a string and takes its
// bytes out of the free part: they are never written again.
func (a *textArena) text(buf []byte) string {
	if len(buf) == 0 {
		return ""
	}
	if len(a.free) > 0 && &buf[0] == &a.free[0] {
		a.free = a.free[len(buf):]
	}
	return unsafe.String(&buf[0], len(buf))
}
