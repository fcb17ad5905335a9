package main

import (
	"archive/zip"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A fake gotch v0.9.1: libtch's C++ calls an op the fake libtorch lacks, so
// fitting stubs it (and torchrnn's extension, which needs the real ATen);
// ts's newTensor and Scalar.Drop are gotch's in outline, which fitting
// paces and makes free.
var fakeGotch = map[string]string{
	"go.mod": "module github.com/sugarme/gotch\n\ngo 1.20\n",
	"ts/tensor.go": "package ts\n\ntype bigStruct struct{ lots [1e5]byte }\n\ntype Tensor struct{ d *bigStruct }\n\n" +
		"var ExistingTensors = map[string]struct{}{}\n\nfunc newTensor(name string) *Tensor {\n\tx := new(Tensor)\n" +
		"\tx.d = new(bigStruct)\n\tExistingTensors[name] = struct{}{}\n\treturn x\n}\n\nfunc (x *Tensor) Add(y *Tensor) *Tensor { return x }\n",
	"ts/scalar.go": "package ts\n\ntype Scalar struct{ name string }\n\nfunc (sc *Scalar) Drop() (err error) {\n" +
		"\t// TODO. FIXME either remove or rewind for specific scenario\n\treturn nil\n}\n\nfunc (sc *Scalar) MustDrop() {\n" +
		"\t// TODO. FIXME either remove or rewind for specific scenario\n\treturn\n}\n",
	"libtch/lib.go":      "package libtch\n\n// #cgo LDFLAGS: -ltorch_cuda\nimport \"C\"\n",
	"libtch/torch_api.h": "#pragma once\n",
	"libtch/torch_api.cpp": "#include <cstring>\n#include <cstdint>\n#define PROTECT(x) x\nthread_local char *torch_last_err = nullptr;\n" +
		"typedef int *tensor;\n#include \"torch_api_generated.cpp.h\"\n",
	"libtch/torch_api_generated.cpp.h": "void atg_ok(tensor *out__, tensor self) {\n  out__[0] = self;\n}\n\n" +
		"void atg_new_op(tensor *out__, tensor self) {\n  out__[0] = torch_new_op(self);\n}\n",
	"example/model.pt": "a large file the copy leaves out",
	"gen/gen.ml":       "(* the generator *)",
}

const gotchV = "v0.9.1"

// setupEnv points the go command at a proxy folder holding fakeGotch and at
// an empty module cache, so that tests run offline and touch nothing else.
func setupEnv(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go command not found")
	}
	if _, err := exec.LookPath("g++"); err != nil {
		t.Skip("g++ not found")
	}
	proxy := t.TempDir()
	at := filepath.Join(proxy, "github.com/sugarme/gotch/@v")
	var zipped bytes.Buffer
	zw := zip.NewWriter(&zipped)
	for name, text := range fakeGotch {
		w, err := zw.Create("github.com/sugarme/gotch@" + gotchV + "/" + name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(text))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(at, "list"), gotchV+"\n")
	write(t, filepath.Join(at, gotchV+".info"), `{"Version":"`+gotchV+`","Time":"2023-10-30T13:12:06Z"}`)
	write(t, filepath.Join(at, gotchV+".mod"), fakeGotch["go.mod"])
	write(t, filepath.Join(at, gotchV+".zip"), zipped.String())
	t.Setenv("GOPROXY", "file://"+proxy)
	t.Setenv("GOSUMDB", "off")
	t.Setenv("GOMODCACHE", t.TempDir())
	t.Setenv("GOFLAGS", "-modcacherw") // so that t.TempDir can remove the cache
	t.Setenv("GOWORK", "off")
	t.Setenv("GOTOOLCHAIN", "local")
}

// newClient makes a module importing gotch's libtch, required with go get as
// go get github.com/torchrnn/torchrnn would; it returns its folder.
func newClient(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "go.mod"), "module example.com/client\n\ngo 1.22\n")
	write(t, filepath.Join(dir, "main.go"), "package main\n\nimport _ \"github.com/sugarme/gotch/libtch\"\n\nfunc main() {}\n")
	goRun(t, dir, "get", "github.com/sugarme/gotch@"+gotchV)
	return dir
}

func goRun(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := goOutput(dir, args...)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// setup runs the command in dir and returns what it printed.
func setup(t *testing.T, dir, libtorch string) string {
	t.Helper()
	t.Chdir(dir)
	var out bytes.Buffer
	if err := run(config{libtorch: libtorch, out: &out}); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	return out.String()
}

func TestSetupFitsReplacesAndIsIdempotent(t *testing.T) {
	setupEnv(t)
	lt := fakeLibtorch(t, "1.13.0")
	client := newClient(t)

	out := setup(t, client, lt)
	// atg_new_op and torchrnn's C extensions that need the real ATen (three
	// of the core's, the sampling step's three, the lstm's one), which this
	// fake API cannot compile.
	for _, want := range []string{"libtorch 1.13.0 (CPU, C++ ABI 1)", "not there yet", fakeStubbed,
		"go.mod: replace github.com/sugarme/gotch v0.9.1 => ./.torchrnn/gotch", "first build"} {
		if !strings.Contains(out, want) {
			t.Errorf("first run's output lacks %q:\n%s", want, out)
		}
	}
	// go resolves gotch to the fitted copy.
	dir := strings.TrimSpace(goRun(t, client, "list", "-f", "{{.Dir}}", "github.com/sugarme/gotch/libtch"))
	if want := filepath.Join(client, ".torchrnn/gotch/libtch"); dir != want {
		t.Errorf("libtch resolves to %s, want %s", dir, want)
	}
	lib := read(t, filepath.Join(dir, "lib.go"))
	if !strings.Contains(lib, "Code generated by torchrnn") || strings.Contains(lib, "torch_cuda") {
		t.Errorf("the copy's lib.go is not fitted to a CPU libtorch:\n%s", lib)
	}
	gen := read(t, filepath.Join(dir, "torch_api_generated.cpp.h"))
	if !strings.Contains(gen, "new_op is not available in libtorch 1.13.0") || !strings.Contains(gen, "out__[0] = self;") {
		t.Errorf("atg_new_op is not stubbed, or atg_ok is:\n%s", gen)
	}
	tsGo := read(t, filepath.Join(client, copyDir, "ts", "tensor.go"))
	if strings.Contains(tsGo, "new(bigStruct)") || !strings.Contains(tsGo, "torchrnnPace(") || !strings.Contains(tsGo, "KeepAlive(x)") {
		t.Errorf("the copy's ts is not fitted (paced, arguments kept alive):\n%s", tsGo)
	}
	if sc := read(t, filepath.Join(client, copyDir, "ts", "scalar.go")); !strings.Contains(sc, "torchrnnDropScalar(sc)") {
		t.Errorf("the copy's Scalar.Drop does not free:\n%s", sc)
	}
	for _, skippedDir := range []string{"example", "gen"} {
		if _, err := os.Stat(filepath.Join(client, copyDir, skippedDir)); err == nil {
			t.Errorf("the copy holds gotch's %s/", skippedDir)
		}
	}
	if ign := read(t, filepath.Join(client, ".torchrnn/.gitignore")); !strings.HasSuffix(ign, "\n*\n") {
		t.Errorf(".torchrnn/.gitignore does not ignore everything:\n%s", ign)
	}

	gomod := read(t, filepath.Join(client, "go.mod"))
	out = setup(t, client, lt)
	if !strings.Contains(out, "nothing to do") || strings.Contains(out, "first build") {
		t.Errorf("second run did work:\n%s", out)
	}
	if again := read(t, filepath.Join(client, "go.mod")); again != gomod {
		t.Errorf("second run changed go.mod:\n%s\nwas\n%s", again, gomod)
	}
}

// fakeStubbed is what setup says of the fake libtorch's C API: the C
// extensions whose bodies need what the fake lacks are stubbed whole.
const fakeStubbed = "8 of gotch's ops"

func TestSetupRefitsStaleCopies(t *testing.T) {
	setupEnv(t)
	lt := fakeLibtorch(t, "1.13.0")
	client := newClient(t)
	setup(t, client, lt)
	libGo := filepath.Join(client, copyDir, "libtch/lib.go")

	// An edited fitted file.
	if err := os.WriteFile(libGo, []byte("package libtch\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out := setup(t, client, lt); !strings.Contains(out, "changed since") || !strings.Contains(out, fakeStubbed) {
		t.Errorf("an edited copy is not fitted again:\n%s", out)
	}
	// Another libtorch.
	if out := setup(t, client, fakeLibtorch(t, "2.1.0")); !strings.Contains(out, "fitted for another") ||
		!strings.Contains(read(t, filepath.Join(client, copyDir, "libtch/torchrnn.go")), `"2.1.0"`) {
		t.Errorf("a copy fitted to 1.13.0 is not fitted again to 2.1.0:\n%s", out)
	}
	// A removed copy (a fresh clone): go.mod's replace points at nothing.
	if err := os.RemoveAll(filepath.Join(client, copyDir)); err != nil {
		t.Fatal(err)
	}
	out := setup(t, client, lt)
	if !strings.Contains(out, "not there yet") || !fileExists(libGo) {
		t.Errorf("a removed copy is not made again:\n%s", out)
	}
	if n := strings.Count(read(t, filepath.Join(client, "go.mod")), "=> ./.torchrnn/gotch"); n != 1 {
		t.Errorf("go.mod has %d replaces of gotch, want 1", n)
	}
}

func TestSetupRevendors(t *testing.T) {
	setupEnv(t)
	lt := fakeLibtorch(t, "1.13.0")
	client := newClient(t)
	goRun(t, client, "mod", "vendor") // the stock gotch
	out := setup(t, client, lt)
	if !strings.Contains(out, "go mod vendor") {
		t.Errorf("a vendoring module is not vendored again:\n%s", out)
	}
	vendored := read(t, filepath.Join(client, "vendor/github.com/sugarme/gotch/libtch/lib.go"))
	if vendored != read(t, filepath.Join(client, copyDir, "libtch/lib.go")) {
		t.Errorf("vendor/ holds another lib.go than the fitted copy:\n%s", vendored)
	}
	// A later go mod vendor keeps the fitted files: go.mod points at them.
	goRun(t, client, "mod", "vendor")
	if out := setup(t, client, lt); strings.Contains(out, "go mod vendor") || !strings.Contains(out, "nothing to do") {
		t.Errorf("after a re-vendor, the command did work:\n%s", out)
	}
	// Fitted again to another libtorch, with go.mod as it was.
	setup(t, client, fakeLibtorch(t, "2.1.0"))
	vendored = read(t, filepath.Join(client, "vendor/github.com/sugarme/gotch/libtch/torchrnn.go"))
	if !strings.Contains(vendored, `"2.1.0"`) {
		t.Errorf("after fitting to 2.1.0, vendor/ holds:\n%s", vendored)
	}
}

func TestSetupRefusesAnotherReplace(t *testing.T) {
	setupEnv(t)
	client := newClient(t)
	goRun(t, client, "mod", "edit", "-replace=github.com/sugarme/gotch=../my-gotch")
	t.Chdir(client)
	var out bytes.Buffer
	err := run(config{libtorch: fakeLibtorch(t, "1.13.0"), out: &out})
	if err == nil || !strings.Contains(err.Error(), "-dropreplace=github.com/sugarme/gotch") {
		t.Errorf("run with the user's own replace of gotch: err = %v, want one saying how to drop it", err)
	}
}

func TestSetupOutsideModule(t *testing.T) {
	setupEnv(t)
	t.Chdir(t.TempDir())
	t.Setenv("GO111MODULE", "on")
	err := run(config{out: &bytes.Buffer{}})
	if err == nil || !strings.Contains(err.Error(), "no go.mod") {
		t.Errorf("run outside a module: err = %v, want one saying to run it in a module", err)
	}
}

func TestCopyTreeFromReadOnlyCache(t *testing.T) {
	src := t.TempDir()
	for name, text := range fakeGotch {
		write(t, filepath.Join(src, name), text)
	}
	// The module cache is read-only.
	for _, d := range []string{"libtch", "ts", "example", "gen", "."} {
		for _, f := range files(t, filepath.Join(src, d)) {
			os.Chmod(f, 0o444)
		}
		os.Chmod(filepath.Join(src, d), 0o555)
	}
	t.Cleanup(func() { removeAll(src) })
	dst := t.TempDir()
	if err := copyTree(src, dst); err != nil {
		t.Fatal(err)
	}
	for name, text := range fakeGotch {
		path := filepath.Join(dst, name)
		top := strings.Split(name, "/")[0]
		if skipped[top] {
			if fileExists(path) {
				t.Errorf("%s copied", name)
			}
			continue
		}
		if got := read(t, path); got != text {
			t.Errorf("%s = %q, want %q", name, got, text)
		}
		if err := os.WriteFile(path, []byte("edited"), 0o644); err != nil {
			t.Errorf("the copy of %s is not writable: %v", name, err)
		}
	}
}

// fakeLibtorch lays out a libtorch of the given version, new C++ ABI, CPU.
func fakeLibtorch(t *testing.T, version string) string {
	t.Helper()
	dir := t.TempDir()
	v := strings.Split(version, ".")
	write(t, filepath.Join(dir, "include/torch/csrc/api/include/torch/version.h"),
		"#define TORCH_VERSION_MAJOR "+v[0]+"\n#define TORCH_VERSION_MINOR "+v[1]+"\n#define TORCH_VERSION_PATCH "+v[2]+"\n")
	write(t, filepath.Join(dir, "lib/libtorch.so"), "")
	src := filepath.Join(t.TempDir(), "c10.cpp")
	write(t, src, "#include <string>\nint c10_size(const std::string &s) { return (int)s.size(); }\n")
	if out, err := exec.Command("g++", "-shared", "-fPIC", "-D_GLIBCXX_USE_CXX11_ABI=1",
		"-o", filepath.Join(dir, "lib/libc10.so"), src).CombinedOutput(); err != nil {
		t.Fatalf("g++: %v\n%s", err, out)
	}
	return dir
}

func files(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var fs []string
	for _, e := range entries {
		if !e.IsDir() {
			fs = append(fs, filepath.Join(dir, e.Name()))
		}
	}
	return fs
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
