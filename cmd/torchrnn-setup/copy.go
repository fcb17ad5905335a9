package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/torchrnn/torchrnn/fitgotch"
)

// skipped are gotch's top-level folders that no library package imports:
// its example programs (60 MB with model files) and the inputs of its code
// generator (30 MB). The copy keeps the rest (about 5 MB).
var skipped = map[string]bool{"example": true, "gen": true}

// stampFile, in the fitted copy, records what it was fitted for.
const stampFile = ".torchrnn-fit"

// fitCopy copies the module at src (read-only, in the module cache) to dst
// and fits its libtch to lt, returning how many ops were stubbed. It builds
// the copy in a fresh folder beside dst and swaps it in at the end, so an
// interrupted run never leaves a half-fitted copy that looks done.
func fitCopy(src, dst string, lt fitgotch.Libtorch, key string, log io.Writer) (int, error) {
	parent := filepath.Dir(dst)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return 0, fmt.Errorf("fit gotch: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, filepath.Base(dst)+".new-")
	if err != nil {
		return 0, fmt.Errorf("fit gotch: %w", err)
	}
	defer removeAll(tmp) // nothing left to remove once renamed
	if err := copyTree(src, tmp); err != nil {
		return 0, err
	}
	libtch := filepath.Join(tmp, "libtch")
	res, err := fitgotch.Fit(fitgotch.Config{LibTch: libtch, Libtorch: lt, Log: log})
	if err != nil {
		return 0, err
	}
	if _, err := fitgotch.FitTS(filepath.Join(tmp, "ts")); err != nil {
		return 0, err
	}
	sum, err := filesSum(libtch)
	if err != nil {
		return 0, err
	}
	st := fmt.Sprintf("key %s\nfiles %s\nstubbed %d\n", key, sum, len(res.Stubbed))
	if err := os.WriteFile(filepath.Join(tmp, stampFile), []byte(st), 0o644); err != nil {
		return 0, fmt.Errorf("fit gotch: %w", err)
	}
	if err := removeAll(dst); err != nil {
		return 0, fmt.Errorf("fit gotch: remove the old copy: %w", err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		return 0, fmt.Errorf("fit gotch: %w", err)
	}
	return len(res.Stubbed), nil
}

// copyTree copies src into the existing folder dst, writable, without the
// skipped top-level folders.
func copyTree(src, dst string) error {
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		to := filepath.Join(dst, rel)
		switch {
		case rel == ".":
			return os.Chmod(dst, 0o755)
		case d.IsDir() && skipped[rel]:
			return filepath.SkipDir
		case d.IsDir():
			return os.Mkdir(to, 0o755)
		case d.Type().IsRegular():
			return copyFile(path, to)
		}
		return nil // a module zip holds no links or devices
	})
	if err != nil {
		return fmt.Errorf("copy gotch from %s: %w", src, err)
	}
	return nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// removeAll removes path even when parts of it are read-only (a copy made by
// hand from the module cache).
func removeAll(path string) error {
	filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			os.Chmod(p, 0o755)
		}
		return nil
	})
	return os.RemoveAll(path)
}

// stampKey names what a copy is fitted for: gotch's version and content,
// the libtorch, and what the fitting writes.
func stampKey(version, sum string, lt fitgotch.Libtorch) string {
	h := sha256.Sum256([]byte(gotchPath + "@" + version + " " + sum + " " + fitgotch.Fingerprint(lt)))
	return hex.EncodeToString(h[:8])
}

// filesSum hashes the files of libtch that fitting writes.
func filesSum(libtch string) (string, error) {
	h := sha256.New()
	for _, name := range fitgotch.FittedFiles {
		data, err := os.ReadFile(filepath.Join(libtch, name))
		if err != nil {
			return "", fmt.Errorf("fitted copy: %w", err)
		}
		fmt.Fprintf(h, "%s %d\n", name, len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil)[:8]), nil
}

// checkStamp reports whether dir is a copy fitted for key and unchanged
// since, with its number of stubbed ops; when it is not, why.
func checkStamp(dir, key string) (stubbed int, ok bool, why string) {
	data, err := os.ReadFile(filepath.Join(dir, stampFile))
	if err != nil {
		if _, err := os.Stat(dir); err != nil {
			return 0, false, "not there yet"
		}
		return 0, false, "not fitted (no " + stampFile + ")"
	}
	fields := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, found := strings.Cut(line, " "); found {
			fields[k] = v
		}
	}
	if fields["key"] != key {
		return 0, false, "fitted for another gotch, libtorch or torchrnn"
	}
	if sum, err := filesSum(filepath.Join(dir, "libtch")); err != nil || sum != fields["files"] {
		return 0, false, "its fitted files were changed since"
	}
	n, err := strconv.Atoi(fields["stubbed"])
	if err != nil {
		return 0, false, "its " + stampFile + " is damaged"
	}
	return n, true, ""
}

// writeIgnore keeps dir out of git: the fitted copy holds this machine's
// libtorch paths, and torchrnn-setup rebuilds it from the module cache.
func writeIgnore(dir string) error {
	const text = "# Written by torchrnn-setup: gotch fitted to this machine's libtorch.\n# Not committed; run torchrnn-setup in a fresh clone.\n*\n"
	path := filepath.Join(dir, ".gitignore")
	if old, err := os.ReadFile(path); err == nil && string(old) == text {
		return nil
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
