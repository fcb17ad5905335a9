// Command fitgotch adapts the vendored copy of gotch's C API (libtch) to the
// libtorch found by setup-libtorch.sh.
//
// gotch v0.9.1 is generated for libtorch 2.1.0. Against any other release some
// of its ~2,500 generated atg_* wrappers do not compile (ops added, removed or
// changed). fitgotch writes libtch/lib.go with cgo flags for the libtorch at
// hand, then compiles libtch/torch_api.cpp with -fsyntax-only and gives every
// function that fails a body that raises a Go-visible error at call time:
//
//	torchrnn: <op> is not available in libtorch <version> (gotch v0.9.1 targets 2.1.0)
//
// It repeats until the file compiles. With libtorch 2.1.0 it changes nothing.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

func main() {
	var cfg flags
	flag.StringVar(&cfg.libtch, "libtch", "vendor/github.com/sugarme/gotch/libtch", "vendored gotch libtch folder to fit")
	flag.StringVar(&cfg.include, "include", "", "libtorch include folder (holds torch/csrc/api/include)")
	flag.StringVar(&cfg.lib, "lib", "", "libtorch library folder (holds libtorch.so)")
	flag.StringVar(&cfg.version, "version", "", "libtorch version, for the error messages")
	flag.IntVar(&cfg.abi, "abi", 1, "value of _GLIBCXX_USE_CXX11_ABI libtorch was built with (0 or 1)")
	flag.BoolVar(&cfg.cuda, "cuda", false, "link libtorch's CUDA libraries")
	flag.StringVar(&cfg.cxx, "cxx", "g++", "C++ compiler used for the syntax checks")
	flag.IntVar(&cfg.maxRounds, "rounds", 8, "give up after this many compile rounds")
	flag.Parse()
	if err := run(cfg); err != nil {
		fmt.Fprintln(os.Stderr, "fitgotch:", err)
		os.Exit(1)
	}
}

type flags struct {
	libtch, include, lib, version, cxx string
	abi, maxRounds                     int
	cuda                               bool
}

func run(cfg flags) error {
	if cfg.include == "" || cfg.lib == "" || cfg.version == "" {
		return fmt.Errorf("-include, -lib and -version are required")
	}
	if cfg.abi != 0 && cfg.abi != 1 {
		return fmt.Errorf("-abi must be 0 or 1, got %d", cfg.abi)
	}
	start := time.Now()
	fl := cgoFlags(cfg.include, cfg.lib, cfg.abi, cfg.cuda)
	if err := writeAtomic(filepath.Join(cfg.libtch, "lib.go"), []byte(fl.libGo())); err != nil {
		return err
	}
	if err := writeAtomic(filepath.Join(cfg.libtch, "torchrnn.go"), []byte(accessorsGo(cfg.version, cfg.cuda))); err != nil {
		return err
	}
	gen := filepath.Join(cfg.libtch, "torch_api_generated.cpp.h")
	api := filepath.Join(cfg.libtch, "torch_api.cpp")
	if err := appendExtensions(api); err != nil {
		return err
	}
	fitted := map[string]bool{}
	for round := 1; ; round++ {
		if round > cfg.maxRounds {
			return fmt.Errorf("%s still fails to compile after %d rounds", api, cfg.maxRounds)
		}
		diag, ok, err := syntaxCheck(cfg.cxx, fl.compileArgs(cfg.libtch), api)
		if err != nil {
			return err
		}
		if ok {
			break
		}
		n := 0
		for _, file := range []string{gen, api} {
			k, err := fitFile(file, diag, cfg.version, fitted)
			if err != nil {
				return err
			}
			n += k
		}
		if n == 0 {
			return fmt.Errorf("%s fails to compile outside any function fitgotch can replace:\n%s", api, tail(diag, 4000))
		}
		fmt.Printf("fitgotch: round %d: fitted %d functions\n", round, n)
	}
	fmt.Printf("fitgotch: libtch compiles against libtorch %s; fitted ops: %d; took %s\n",
		cfg.version, len(fitted), time.Since(start).Round(time.Second))
	return nil
}

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
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
