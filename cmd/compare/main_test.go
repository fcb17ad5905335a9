package main

import (
	"io"
	"path/filepath"
	"testing"
)

func TestUsageErrorsExit2(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	for _, args := range [][]string{
		{"-no-such-flag"},
		{"-study", "attention"},
		{"-cells", "transformer"},
		{"-cell", "lstm"}, // the comparison picks the cells: -cells
		{"-epochs", "0"},
		{"-data", filepath.Join(t.TempDir(), "missing.tar.xz")},
		{"-study", "gradients", "-lengths", "10,0"},
		{"-study", "gradients", "-batch", "3"},
		{"-study=gradients", "-cells", "transformer"},
		{"-study", "gradients", "-no-such-flag"},
	} {
		if code := run(append(args, "-out", out), io.Discard, io.Discard); code != 2 {
			t.Errorf("compare %v: exit %d, want 2", args, code)
		}
	}
	if code := run([]string{"stray-argument"}, io.Discard, io.Discard); code != 2 {
		t.Errorf("compare stray-argument: exit %d, want 2", code)
	}
}

func TestStudyArg(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, ""},
		{[]string{"-epochs", "2"}, ""},
		{[]string{"-study", "gradients"}, "gradients"},
		{[]string{"--study=gradients", "-steps", "5"}, "gradients"},
		{[]string{"-steps", "5", "-study", "x"}, "x"},
		{[]string{"--", "-study", "gradients"}, ""},
	} {
		if got := studyArg(tc.args); got != tc.want {
			t.Errorf("studyArg(%q) = %q, want %q", tc.args, got, tc.want)
		}
	}
}
