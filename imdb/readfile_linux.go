package imdb

import (
	"errors"
	"io/fs"
	"path"
	"path/filepath"
	"syscall"
)

// dirReader reads the review files of one split with openat(2) on the
// descriptors of its neg and pos folders, then read(2) until EOF and
// close(2): four system calls per file, and less than half the time of
// os.ReadFile (which resolves the whole path and sets up an *os.File).
// Reading 25,000 small files is dominated by system calls.
type dirReader struct {
	root string
	dirs map[string]int // "train/neg" -> descriptor
}

func newDirReader(root string, split Split) (*dirReader, error) {
	r := &dirReader{root: root, dirs: make(map[string]int)}
	for _, label := range sentiments {
		dir := path.Join(string(split), label)
		fd, err := syscall.Open(filepath.Join(root, dir), syscall.O_RDONLY|syscall.O_CLOEXEC|syscall.O_DIRECTORY, 0)
		if err != nil {
			r.Close()
			return nil, &fs.PathError{Op: "open", Path: filepath.Join(root, dir), Err: err}
		}
		r.dirs[dir] = fd
	}
	return r, nil
}

// ReadFile reads the file at the slash-separated path p below the root.
func (r *dirReader) ReadFile(p string, scratch *[]byte) (string, error) {
	dir, base := path.Split(p)
	dirfd, ok := r.dirs[path.Clean(dir)]
	if !ok {
		return "", &fs.PathError{Op: "open", Path: filepath.Join(r.root, p), Err: fs.ErrNotExist}
	}
	fd, err := openat(dirfd, base, 0)
	if err != nil {
		return "", &fs.PathError{Op: "open", Path: filepath.Join(r.root, p), Err: err}
	}
	defer syscall.Close(fd)
	buf := (*scratch)[:0]
	if cap(buf) == 0 {
		buf = make([]byte, 0, 64<<10)
	}
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := syscall.Read(fd, buf[len(buf):cap(buf)])
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if err != nil {
			return "", &fs.PathError{Op: "read", Path: filepath.Join(r.root, p), Err: err}
		}
		if n == 0 {
			break
		}
		buf = buf[:len(buf)+n]
	}
	*scratch = buf
	return string(buf), nil
}

// Close closes the folder descriptors.
func (r *dirReader) Close() error {
	for _, fd := range r.dirs {
		syscall.Close(fd)
	}
	return nil
}

// openat opens name relative to dirfd for reading, retrying on EINTR.
func openat(dirfd int, name string, flags int) (int, error) {
	for {
		fd, err := syscall.Openat(dirfd, name, syscall.O_RDONLY|syscall.O_CLOEXEC|flags, 0)
		if !errors.Is(err, syscall.EINTR) {
			return fd, err
		}
	}
}
