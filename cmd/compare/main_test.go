package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
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

// A user's compare.png or gradients.png in -out is never overwritten.
func TestOutKeepsExistingFiles(t *testing.T) {
	for _, tc := range []struct {
		file string
		args []string
	}{
		{"compare.png", []string{"-dry-run", "-cells", "gru"}},
		{"gradients.png", []string{"-study", "gradients"}},
	} {
		out := t.TempDir()
		path := filepath.Join(out, tc.file)
		if err := os.WriteFile(path, []byte("mine"), 0o644); err != nil {
			t.Fatal(err)
		}
		var stderr strings.Builder
		if code := run(append(tc.args, "-out", out), io.Discard, &stderr); code != 2 {
			t.Errorf("compare %v with %s in -out: exit %d, want 2", tc.args, tc.file, code)
		}
		if !strings.Contains(stderr.String(), tc.file) {
			t.Errorf("compare %v: error %q does not name %s", tc.args, stderr.String(), tc.file)
		}
		if b, _ := os.ReadFile(path); string(b) != "mine" {
			t.Errorf("compare %v overwrote %s", tc.args, tc.file)
		}
	}
}
