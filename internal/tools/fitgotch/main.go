// Command fitgotch fits this repository's vendored gotch (its libtch
// package) to the libtorch found by setup-libtorch.sh; the work is done by
// fitgotch, whose doc says how. With -ts DIR it only fits gotch's ts
// package in DIR (fitgotch.FitTS).
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
	tsDir := flag.String("ts", "", "only fit gotch's ts package in this folder (fitgotch.FitTS)")
	flag.Parse()
	if *tsDir != "" {
		n, err := fitgotch.FitTS(*tsDir)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Printf("fitgotch: %s fitted (%d files changed now)\n", *tsDir, n)
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
