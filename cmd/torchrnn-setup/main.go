// Command torchrnn-setup makes torchrnn build in your own Go module. torchrnn
// reaches libtorch through gotch, whose released C++ part targets one
// libtorch (2.1.0, CUDA, old C++ ABI); this command copies gotch into your
// module's .torchrnn/gotch, fits that copy to the libtorch on this machine,
// and points your go.mod at it with a replace directive. In your module:
//
//	go get github.com/torchrnn/torchrnn@latest
//	go run github.com/torchrnn/torchrnn/cmd/torchrnn-setup
//
// Then go build, go test, go run and go mod vendor work as usual, for every
// torchrnn package you import now or later. Run it again after upgrading
// torchrnn, after installing another libtorch, and in a fresh clone
// (.torchrnn/ is machine-specific and git-ignored); when everything is
// current it only checks and says so.
//
// libtorch is looked for in -libtorch (or $LIBTORCH), a folder with include/
// and lib/; then python3's torch package; then Debian's libtorch-dev.
//
// It imports no torch-linked package, so it builds before libtorch is wired.
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	cfg := config{out: os.Stdout}
	flag.StringVar(&cfg.libtorch, "libtorch", os.Getenv("LIBTORCH"),
		"libtorch folder with include/ and lib/ (default $LIBTORCH; empty: python3's torch, then Debian's libtorch-dev)")
	flag.BoolVar(&cfg.force, "force", false, "copy and fit gotch again even when the copy is current")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: go run github.com/torchrnn/torchrnn/cmd/torchrnn-setup [flags]\n\n"+
			"Run inside your Go module: fits a copy of gotch to this machine's libtorch\n"+
			"in .torchrnn/gotch and adds a replace directive for it to go.mod.\n\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(cfg); err != nil {
		fmt.Fprintln(os.Stderr, "torchrnn-setup:", err)
		os.Exit(1)
	}
}
