package main

import (
	"path/filepath"
	"testing"
)

func TestUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{
		{"-no-such-flag"},
		{"-lr", "-1"},
		{"-cell", "transformer"},
		{"-epochs", "0"},
		{"-task", "translate"},
		{"stray-argument"},
		{"-data", filepath.Join(t.TempDir(), "missing.tar.xz")},
		{"-resume", t.TempDir()},
	} {
		if code := run(args); code != 2 {
			t.Errorf("train %v: exit %d, want 2", args, code)
		}
	}
}
