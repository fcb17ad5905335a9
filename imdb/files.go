package imdb

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
)

// The folder reader reads regular files only, so that a review can neither
// hang the reader (a named pipe, a device) nor pull in a file from
// elsewhere (a link to /etc/hostname). A symbolic link is followed when its
// target, with every link on the way resolved, lies inside the data folder:
// the aclImdb folder, itself resolved. Each file is capped at maxReview
// bytes, as in an archive.

// realFolder returns root made absolute with its symbolic links resolved,
// after checking that the class folders of split resolve inside it.
func realFolder(root string, split Split) (string, error) {
	real, err := filepath.EvalSymlinks(root)
	if err == nil {
		real, err = filepath.Abs(real)
	}
	if err != nil {
		return "", fmt.Errorf("imdb: read %w", err)
	}
	for _, label := range sentiments {
		dir := filepath.Join(root, string(split), label)
		if _, err := resolveInside(real, dir); err != nil {
			return "", fmt.Errorf("imdb: read %s: %w", dir, err)
		}
	}
	return real, nil
}

// resolveInside returns the absolute path of name with its symbolic links
// resolved, which must lie inside the folder real.
func resolveInside(real, name string) (string, error) {
	target, err := filepath.EvalSymlinks(name)
	if err == nil {
		target, err = filepath.Abs(target)
	}
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(real, target)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return "", fmt.Errorf("symbolic link to %s, outside the data folder %s", target, real)
	}
	return target, nil
}

// checkRegular returns an error unless a file of this mode and size is a
// regular file of at most maxReview bytes.
func checkRegular(mode fs.FileMode, size int64) error {
	if !mode.IsRegular() {
		return fmt.Errorf("not a regular file but %s", kind(mode))
	}
	if size > maxReview {
		return fmt.Errorf("%d bytes is too large for a review (at most %d)", size, maxReview)
	}
	return nil
}

// kind names the type of a file that is not regular.
func kind(mode fs.FileMode) string {
	switch t := mode.Type(); {
	case t&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case t&fs.ModeDevice != 0, t&fs.ModeCharDevice != 0:
		return "a device"
	case t&fs.ModeSocket != 0:
		return "a socket"
	case t&fs.ModeDir != 0:
		return "a folder"
	case t&fs.ModeSymlink != 0:
		return "a symbolic link"
	}
	return "a special file"
}
