// Package fitgotch adapts a writable copy of gotch's C API (its libtch
// package) to the libtorch at hand. Two programs use it: this repository's
// setup-libtorch.sh (through internal/tools/fitgotch, on vendor/) and
// cmd/torchrnn-setup (on a copy inside a client module).
//
// gotch v0.9.1 is generated for libtorch 2.1.0 and links CUDA with the old
// C++ ABI. Against any other release some of its ~2,500 generated atg_*
// wrappers do not compile (ops added, removed or changed). Fit writes
// libtch/lib.go with cgo flags for the libtorch at hand and libtch/torchrnn.go
// with the accessors torchrnn needs, appends torchrnn's C extensions, then
// compiles libtch/torch_api.cpp with -fsyntax-only and gives every function
// that fails a body that raises a Go-visible error at call time:
//
//	torchrnn: <op> is not available in libtorch <version> (gotch v0.9.1 targets 2.1.0)
//
// It repeats until the file compiles. With libtorch 2.1.0 no op is stubbed.
//
// FitTS, run by both programs on gotch's ts package, makes every op keep its
// tensor arguments alive until it returns (KeepAlive: gotch frees tensors
// from finalizers, and would otherwise free a tensor whose last use is an
// op's argument under that op), and takes the 100 KB Go allocation off
// every tensor, pacing the garbage collector by the number of live tensors
// instead (Pace: a small op took 20 µs, 18 of them for that allocation).
package fitgotch

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
)

// Revision numbers what Fit writes. Raise it whenever a change to this
// package changes the fitted files in a way Fingerprint does not see (the
// stubbing rules, say), so that fitted copies are redone.
const Revision = 4

// Config says what to fit to what.
type Config struct {
	LibTch    string   // the libtch folder to fit, changed in place
	Libtorch  Libtorch // the libtorch to fit it to
	CXX       string   // C++ compiler for the syntax checks; "" means g++
	MaxRounds int      // give up after this many compile rounds; 0 means 8
	Log       io.Writer
}

// Result says what Fit did.
type Result struct {
	Stubbed []string // the C functions given a call-time error, sorted
	Rounds  int      // compile rounds that stubbed something
}

// Fit fits cfg.LibTch to cfg.Libtorch; see the package doc.
func Fit(cfg Config) (Result, error) {
	lt := cfg.Libtorch
	if lt.Include == "" || lt.Lib == "" || lt.Version == "" {
		return Result{}, fmt.Errorf("fitgotch: the libtorch include folder, library folder and version are all needed")
	}
	if lt.ABI != 0 && lt.ABI != 1 {
		return Result{}, fmt.Errorf("fitgotch: C++ ABI must be 0 or 1, got %d", lt.ABI)
	}
	cxx, rounds, log := cfg.CXX, cfg.MaxRounds, cfg.Log
	if cxx == "" {
		cxx = "g++"
	}
	if rounds == 0 {
		rounds = 8
	}
	if log == nil {
		log = io.Discard
	}
	fl := cgoFlags(lt.Include, lt.Lib, lt.ABI, lt.CUDA)
	if err := writeAtomic(filepath.Join(cfg.LibTch, "lib.go"), []byte(fl.libGo())); err != nil {
		return Result{}, err
	}
	if err := writeAtomic(filepath.Join(cfg.LibTch, "torchrnn.go"), []byte(accessorsGo(lt.Version, lt.CUDA))); err != nil {
		return Result{}, err
	}
	gen := filepath.Join(cfg.LibTch, "torch_api_generated.cpp.h")
	api := filepath.Join(cfg.LibTch, "torch_api.cpp")
	if err := appendExtensions(api); err != nil {
		return Result{}, err
	}
	stubbed := map[string]bool{}
	res := Result{}
	for round := 1; ; round++ {
		if round > rounds {
			return res, fmt.Errorf("fitgotch: %s still fails to compile after %d rounds", api, rounds)
		}
		diag, ok, err := syntaxCheck(cxx, fl.compileArgs(cfg.LibTch), api)
		if err != nil {
			return res, err
		}
		if ok {
			break
		}
		n := 0
		for _, file := range []string{gen, api} {
			k, err := fitFile(file, diag, lt.Version, stubbed)
			if err != nil {
				return res, err
			}
			n += k
		}
		if n == 0 {
			return res, fmt.Errorf("fitgotch: %s fails to compile outside any function it can replace:\n%s", api, tail(diag, 4000))
		}
		res.Rounds = round
		fmt.Fprintf(log, "fitgotch: round %d: fitted %d functions\n", round, n)
	}
	for name := range stubbed {
		res.Stubbed = append(res.Stubbed, name)
	}
	sort.Strings(res.Stubbed)
	return res, nil
}

// Fingerprint identifies what Fit writes for lt: the generated Go files, the
// C extensions and Revision. A fitted copy whose fingerprint differs from
// the current one is out of date.
func Fingerprint(lt Libtorch) string {
	h := sha256.New()
	fmt.Fprintf(h, "revision %d\n", Revision)
	io.WriteString(h, cgoFlags(lt.Include, lt.Lib, lt.ABI, lt.CUDA).libGo())
	io.WriteString(h, accessorsGo(lt.Version, lt.CUDA))
	for _, part := range extensionParts {
		io.WriteString(h, part)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// FittedFiles are the files of libtch that Fit writes or changes.
var FittedFiles = []string{"lib.go", "torchrnn.go", "torch_api.cpp", "torch_api_generated.cpp.h"}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}

// writeAtomic writes data to a temporary file beside path and renames it.
func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".fitgotch-*")
	if err != nil {
		return fmt.Errorf("fitgotch: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("fitgotch: write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("fitgotch: write %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("fitgotch: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("fitgotch: %w", err)
	}
	return nil
}
