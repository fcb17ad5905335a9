package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/torchrnn/torchrnn/fitgotch"
)

const gotchPath = "github.com/sugarme/gotch"

// copyDir is where the fitted gotch lives, relative to the module root. Go
// skips folders starting with "." in ./... patterns.
const copyDir = ".torchrnn/gotch"

type config struct {
	libtorch string // a libtorch folder; "" means search
	force    bool   // fit again even when current
	out      io.Writer
}

// run fits a copy of gotch in the module of the working directory and
// points its go.mod at it.
func run(cfg config) error {
	logf := func(format string, a ...any) { fmt.Fprintf(cfg.out, "torchrnn-setup: "+format+"\n", a...) }
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	lt, err := fitgotch.Find(cfg.libtorch)
	if errors.Is(err, fitgotch.ErrNotFound) {
		return fmt.Errorf("%w\nthen run this again, or point -libtorch (or $LIBTORCH) at a libtorch folder with include/ and lib/", err)
	}
	if err != nil {
		return err
	}
	logf("libtorch %s (%s, C++ ABI %d) from %s", lt.Version, device(lt.CUDA), lt.ABI, lt.Source)
	logf("  include %s, lib %s", lt.Include, lt.Lib)

	mod, err := readGoMod(root)
	if err != nil {
		return err
	}
	dst := filepath.Join(root, copyDir)
	if err := checkReplaces(mod, dst, root); err != nil {
		return err
	}
	version, err := requiredVersion(root)
	if err != nil {
		return err
	}
	src, err := download(root, version)
	if err != nil {
		return err
	}
	key := stampKey(version, src.Sum, lt)
	fitted := false
	if n, ok, why := checkStamp(dst, key); ok && !cfg.force {
		logf("%s: gotch %s is fitted to this libtorch (%d ops stubbed); nothing to do", copyDir, version, n)
	} else {
		if !cfg.force {
			logf("%s: %s", copyDir, why)
		}
		logf("copying gotch %s into %s and fitting it (about a minute)", version, copyDir)
		start := time.Now()
		n, err := fitCopy(src.Dir, dst, lt, key, cfg.out)
		if err != nil {
			return err
		}
		fitted = true
		logf("fitted in %s: %d of gotch's ops do not compile against libtorch %s and return an error when called",
			time.Since(start).Round(time.Second), n, lt.Version)
	}
	if err := writeIgnore(filepath.Dir(dst)); err != nil {
		return err
	}
	changed, err := pointGoMod(root, version, logf)
	if err != nil {
		return err
	}
	if err := revendor(root, dst, changed, logf); err != nil {
		return err
	}
	logf("done: go build, go test and go run now use the fitted gotch")
	if fitted || changed {
		logf("the first build compiles gotch's C++ part (about 3 minutes on 2 cores)")
	}
	return nil
}

// pointGoMod adds the replace directive for the fitted copy and gotch's
// requirement to go.mod where they are missing, and reports whether it
// changed go.mod.
func pointGoMod(root, version string, logf func(string, ...any)) (bool, error) {
	mod, err := readGoMod(root)
	if err != nil {
		return false, err
	}
	changed := false
	want := modVersion{Path: gotchPath, Version: version}
	if !mod.hasReplace(want, "./"+copyDir) {
		args := []string{"mod", "edit"}
		for _, r := range mod.replacesOf(gotchPath) {
			args = append(args, "-dropreplace="+r.Old.spec()) // an older fitted copy's
		}
		args = append(args, "-replace="+want.spec()+"=./"+copyDir)
		if err := goCmd(root, args...); err != nil {
			return false, err
		}
		logf("go.mod: replace %s %s => ./%s", gotchPath, version, copyDir)
		changed = true
	}
	if !mod.requires(want) {
		// go get lists gotch in go.mod, as a module that builds packages
		// importing it needs, and records its go.sum lines.
		if err := goCmd(root, "get", want.spec()); err != nil {
			return false, err
		}
		logf("go.mod: require %s %s (go get)", gotchPath, version)
		changed = true
	}
	return changed, nil
}

// revendor runs go mod vendor when the module vendors and go.mod just
// changed or its vendored libtch is not the fitted one (vendored before
// this command ran, or fitted again since).
func revendor(root, dst string, changed bool, logf func(string, ...any)) error {
	if !fileExists(filepath.Join(root, "vendor", "modules.txt")) {
		return nil
	}
	vendored, _ := filesSum(filepath.Join(root, "vendor", gotchPath, "libtch"))
	fitted, err := filesSum(filepath.Join(dst, "libtch"))
	if err != nil {
		return err
	}
	if !changed && vendored == fitted {
		return nil
	}
	if err := goCmd(root, "mod", "vendor"); err != nil {
		return err
	}
	logf("vendor/: go mod vendor (it copies the fitted gotch)")
	return nil
}

// checkReplaces refuses a go.mod that already replaces gotch with something
// other than a fitted copy: fitting would silently undo that choice.
func checkReplaces(mod goMod, dst, root string) error {
	for _, r := range mod.replacesOf(gotchPath) {
		if r.New.Version != "" || filepath.Join(root, r.New.Path) != dst {
			return fmt.Errorf("go.mod replaces %s with %s; torchrnn needs it replaced by its fitted copy in ./%s: "+
				"remove that line (go mod edit -dropreplace=%s) and run this again", gotchPath, r.New.spec(), copyDir, r.Old.spec())
		}
	}
	return nil
}

func device(cuda bool) string {
	if cuda {
		return "CUDA"
	}
	return "CPU"
}

func fileExists(path string) bool {
	st, err := os.Stat(path)
	return err == nil && !st.IsDir()
}
