// Command fitgotch fits this repository's vendored gotch (its libtch
// package) to the libtorch found by setup-libtorch.sh; the work is done by
// fitgotch, whose doc says how. With -keepalive DIR it only makes the ts
// package in DIR keep its ops' arguments alive (fitgotch.KeepAlive).
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/torchrnn/torchrnn/fitgotch"
)

func main() {
	var cfg fitgotch.Config
	lt := &cfg.Libtorch
	flag.StringVar(&cfg.LibTch, "libtch", "vendor/github.com/sugarme/gotch/libtch", "vendored gotch libtch folder to fit")
	flag.StringVar(&lt.Include, "include", "", "libtorch include folder (holds torch/csrc/api/include)")
	flag.StringVar(&lt.Lib, "lib", "", "libtorch library folder (holds libtorch.so)")
	flag.StringVar(&lt.Version, "version", "", "libtorch version, for the error messages")
	flag.IntVar(&lt.ABI, "abi", 1, "value of _GLIBCXX_USE_CXX11_ABI libtorch was built with (0 or 1)")
	flag.BoolVar(&lt.CUDA, "cuda", false, "link libtorch's CUDA libraries")
	flag.StringVar(&cfg.CXX, "cxx", "g++", "C++ compiler used for the syntax checks")
	flag.IntVar(&cfg.MaxRounds, "rounds", 8, "give up after this many compile rounds")
	keep := flag.String("keepalive", "", "only rewrite gotch's ts package in this folder to keep its ops' arguments alive")
	flag.Parse()
	if *keep != "" {
		n, err := fitgotch.KeepAlive(*keep)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Printf("fitgotch: %s keeps its ops' arguments alive (%d files rewritten now)\n", *keep, n)
		return
	}
	if lt.Include == "" || lt.Lib == "" || lt.Version == "" {
		fmt.Fprintln(os.Stderr, "fitgotch: -include, -lib and -version are required")
		os.Exit(2)
	}
	cfg.Log = os.Stdout
	start := time.Now()
	res, err := fitgotch.Fit(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("fitgotch: libtch compiles against libtorch %s; fitted ops: %d; took %s\n",
		lt.Version, len(res.Stubbed), time.Since(start).Round(time.Second))
}
