package fitgotch

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const fakeAPI = `#include <cstring>
#include <cstdint>
thread_local char *torch_last_err = nullptr;
typedef int *tensor;
#include "torch_api_generated.cpp.h"
`

const fakeGenerated = `// generated
void atg_ok(tensor *out__, tensor self) {
  out__[0] = self;
}

void atg_new_op(tensor *out__, tensor self) {
  out__[0] = torch_new_op_from_2_1(self);
}

int64_t atg_changed(tensor self) {
  return torch_changed_signature(self, 3);
}
`

// TestFitReplacesFailingFunctions fits a small file laid out like gotch's
// generated C API: two functions call ops this "libtorch" lacks.
func TestFitReplacesFailingFunctions(t *testing.T) {
	if _, err := exec.LookPath("g++"); err != nil {
		t.Skip("g++ not found")
	}
	dir := t.TempDir()
	api, gen := filepath.Join(dir, "torch_api.cpp"), filepath.Join(dir, "torch_api_generated.cpp.h")
	write(t, api, fakeAPI)
	write(t, gen, fakeGenerated)

	diag, ok, err := syntaxCheck("g++", []string{"-std=c++17"}, api)
	if err != nil || ok {
		t.Fatalf("first check: ok=%v err=%v, want a failure", ok, err)
	}
	fitted := map[string]bool{}
	n, err := fitFile(gen, diag, "1.13.0", fitted)
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 || !fitted["atg_new_op"] || !fitted["atg_changed"] || fitted["atg_ok"] {
		t.Fatalf("fitted %d: %v, want atg_new_op and atg_changed", n, fitted)
	}
	if diag, ok, err := syntaxCheck("g++", []string{"-std=c++17"}, api); err != nil || !ok {
		t.Fatalf("after fitting: ok=%v err=%v\n%s", ok, err, diag)
	}
	got := read(t, gen)
	for _, want := range []string{
		"out__[0] = self;",
		`torch_last_err = strdup("torchrnn: new_op is not available in libtorch 1.13.0 (gotch v0.9.1 targets 2.1.0)");`,
		"int64_t atg_changed(tensor self) {\n  torch_last_err = strdup(\"torchrnn: changed is not available in libtorch 1.13.0 (gotch v0.9.1 targets 2.1.0)\");\n  return 0;\n}",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("fitted file lacks %q:\n%s", want, got)
		}
	}
}

func TestFunctions(t *testing.T) {
	lines := strings.Split(fakeGenerated+"char *get_and_reset_last_err() {\n  return 0;\n}\n", "\n")
	fns := functions(lines)
	want := []function{
		{name: "atg_ok", ret: "void", start: 1, end: 3},
		{name: "atg_new_op", ret: "void", start: 5, end: 7},
		{name: "atg_changed", ret: "int64_t", start: 9, end: 11},
		{name: "get_and_reset_last_err", ret: "char", start: 12, end: 14},
	}
	if len(fns) != len(want) {
		t.Fatalf("functions = %+v, want %+v", fns, want)
	}
	for i := range want {
		if fns[i] != want[i] {
			t.Errorf("function %d = %+v, want %+v", i, fns[i], want[i])
		}
	}
}

func TestLibGoFlags(t *testing.T) {
	cpu := cgoFlags("/usr/include", "/usr/lib/x86_64-linux-gnu", 1, false).libGo()
	for _, want := range []string{
		"-D_GLIBCXX_USE_CXX11_ABI=1", "-I/usr/include/torch/csrc/api/include",
		"-Wl,-rpath,/usr/lib/x86_64-linux-gnu", "-ltorch -ltorch_cpu -lc10",
	} {
		if !strings.Contains(cpu, want) {
			t.Errorf("CPU lib.go lacks %q:\n%s", want, cpu)
		}
	}
	if strings.Contains(cpu, "cuda") || strings.Contains(cpu, "-I/usr/include ") {
		t.Errorf("CPU lib.go links CUDA or adds the system include folder:\n%s", cpu)
	}
	gpu := cgoFlags("/opt/torch/include", "/opt/torch/lib", 0, true).libGo()
	for _, want := range []string{"-D_GLIBCXX_USE_CXX11_ABI=0", "-I/opt/torch/include ", "-Wl,--no-as-needed -ltorch_cuda -lc10_cuda -Wl,--as-needed"} {
		if !strings.Contains(gpu, want) {
			t.Errorf("CUDA lib.go lacks %q:\n%s", want, gpu)
		}
	}
}

func write(t *testing.T, path, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
