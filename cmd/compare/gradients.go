package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/torchrnn/torchrnn/study"
	"github.com/torchrnn/torchrnn/train"
)

// gradients runs the memory-task gradient study.
func gradients(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("compare -study gradients", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := study.DefaultConfig()
	cfg.RegisterFlags(fs)
	fs.String("study", "", "gradients: this study")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := cfg.WithDefaults().Validate(); err != nil {
		return train.UsageError{Err: err}
	}
	dir := cfg.Out
	if dir == "" {
		dir = filepath.Join("runs", "gradients-"+time.Now().Format("20060102-150405"))
	}
	for _, name := range []string{study.GradientsJSON, study.GradientsPNG} { // never overwrite a user's file
		if _, err := os.Lstat(filepath.Join(dir, name)); err == nil {
			return train.UsageError{Err: fmt.Errorf("-out %s: %s exists already (choose another -out, or move it)", dir, name)}
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("-out: %w", err)
	}
	cfg.Out = dir
	rep, err := study.Run(ctx, cfg, stdout)
	if rep != nil && len(rep.Rows) > 0 {
		if serr := rep.Save(dir); serr != nil {
			return serr
		}
		fmt.Fprintf(stdout, "total %.0fs; wrote %s and %s\n", rep.Seconds,
			filepath.Join(dir, study.GradientsJSON), filepath.Join(dir, study.GradientsPNG))
	}
	return err
}

func splitComma(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
