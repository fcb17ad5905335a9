package vocab_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// dataDir returns the shared data folder, $TORCHRNN_DATA or else
// ../../shared/data from this package, or skips the test when it is absent.
// Point TORCHRNN_DATA at a missing folder to run the suite as if offline.
func dataDir(t testing.TB) string {
	dir := os.Getenv("TORCHRNN_DATA")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "data")
	}
	if _, err := os.Stat(filepath.Join(dir, "imdb", "aclImdb_v1.tar.xz")); err != nil {
		t.Skipf("skipping: no IMDB archive under %s (set TORCHRNN_DATA to the folder holding imdb/aclImdb_v1.tar.xz): %v", dir, err)
	}
	return dir
}

// python3 returns the path of python3 or skips the test.
func python3(t testing.TB) string {
	p, err := exec.LookPath("python3")
	if err != nil {
		t.Skipf("skipping: python3 not found: %v", err)
	}
	return p
}

// pythonCmd returns the command running testdata/seed_tokenizer.py.
func pythonCmd(t testing.TB, args ...string) *exec.Cmd {
	return exec.Command(python3(t), append([]string{filepath.Join("testdata", "seed_tokenizer.py")}, args...)...)
}

// runPython runs testdata/seed_tokenizer.py with args.
func runPython(t testing.TB, args ...string) []byte {
	t.Helper()
	cmd := pythonCmd(t, args...)
	var stderr []byte
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); ok {
		stderr = ee.Stderr
	}
	if err != nil {
		t.Fatalf("python3 seed_tokenizer.py %v: %v\n%s", args, err, stderr)
	}
	return out
}
