package libtorch

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// debianLib holds the Debian package's libraries, which a fake official layout links to.
const debianLib = "/usr/lib/x86_64-linux-gnu"

// setupPrint runs setup-libtorch.sh --print with LIBTORCH set.
func setupPrint(t *testing.T, libtorch string) (map[string]string, error) {
	t.Helper()
	cmd := exec.Command("bash", "../../setup-libtorch.sh", "--print")
	cmd.Env = append(os.Environ(), "LIBTORCH="+libtorch)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, &exec.ExitError{ProcessState: cmd.ProcessState, Stderr: out}
	}
	kv := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		k, v, _ := strings.Cut(line, "=")
		kv[k] = v
	}
	return kv, nil
}

// official lays out a folder like the libtorch zip: include/ and lib/.
func official(t *testing.T, version string, libs map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	h := filepath.Join(dir, "include/torch/csrc/api/include/torch/version.h")
	mkdir(t, filepath.Dir(h))
	mkdir(t, filepath.Join(dir, "lib"))
	v := strings.Split(version, ".")
	body := "#pragma once\n#define TORCH_VERSION_MAJOR " + v[0] + "\n#define TORCH_VERSION_MINOR " + v[1] +
		"\n#define TORCH_VERSION_PATCH " + v[2] + "\n#define TORCH_VERSION \\\n  \"" + version + "\"\n"
	if err := os.WriteFile(h, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, target := range libs {
		p := filepath.Join(dir, "lib", name)
		var err error
		if target == "" {
			err = os.WriteFile(p, nil, 0o644)
		} else {
			err = os.Symlink(target, p)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestSetupDetectsOfficialLayout(t *testing.T) {
	if _, err := os.Stat(filepath.Join(debianLib, "libc10.so")); err != nil {
		t.Skip("Debian's libtorch is not installed:", err)
	}
	dir := official(t, "1.13.0", map[string]string{
		"libtorch.so": filepath.Join(debianLib, "libtorch.so"),
		"libc10.so":   filepath.Join(debianLib, "libc10.so"),
	})
	kv, err := setupPrint(t, dir)
	if err != nil {
		t.Fatalf("setup-libtorch.sh --print: %v\n%s", err, err.(*exec.ExitError).Stderr)
	}
	want := map[string]string{"SOURCE": "LIBTORCH", "INCLUDE": dir + "/include", "LIB": dir + "/lib",
		"VERSION": "1.13.0", "ABI": "1", "CUDA": "0"}
	for k, v := range want {
		if kv[k] != v {
			t.Errorf("%s = %q, want %q", k, kv[k], v)
		}
	}
}

func TestSetupDetectsCUDAAndOldABI(t *testing.T) {
	// An empty libc10.so exports no std::__cxx11 names: the pre-C++11 ABI.
	dir := official(t, "2.1.0", map[string]string{"libtorch.so": "", "libc10.so": "", "libtorch_cuda.so": ""})
	kv, err := setupPrint(t, dir)
	if err != nil {
		t.Fatalf("setup-libtorch.sh --print: %v\n%s", err, err.(*exec.ExitError).Stderr)
	}
	if kv["VERSION"] != "2.1.0" || kv["ABI"] != "0" || kv["CUDA"] != "1" {
		t.Errorf("got %v, want VERSION=2.1.0 ABI=0 CUDA=1", kv)
	}
}

func TestSetupRejectsAFolderWithoutLibtorch(t *testing.T) {
	dir := t.TempDir()
	_, err := setupPrint(t, dir)
	if err == nil {
		t.Fatal("LIBTORCH=<empty folder>: got no error")
	}
	msg := string(err.(*exec.ExitError).Stderr)
	if !strings.Contains(msg, "LIBTORCH="+dir) || !strings.Contains(msg, "lib/libtorch.so") {
		t.Errorf("message %q should name LIBTORCH and what is missing", msg)
	}
}

func mkdir(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
}
