package fitgotch

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

const versionH = `#pragma once
#define TORCH_VERSION_MAJOR 1
#define TORCH_VERSION_MINOR 13
#define TORCH_VERSION_PATCH 0
#define TORCH_VERSION "1.13.0"
`

// Since 2.9 version.h only includes the header that holds the numbers.
const (
	versionH29    = "#pragma once\n#include <torch/headeronly/version.h>\n"
	headeronlyH29 = "#pragma once\n#define TORCH_VERSION_MAJOR 2\n#define TORCH_VERSION_MINOR 9\n#define TORCH_VERSION_PATCH 1\n"
)

// c10Source exports a function taking a std::string: its mangled name holds
// std::__cxx11 exactly when it is compiled with the new ABI.
const c10Source = "#include <string>\nint c10_size(const std::string &s) { return (int)s.size(); }\n"

// fakeLibtorch lays out dir as libtorch's zip does, with a real libc10.so
// built with the given ABI.
func fakeLibtorch(t *testing.T, dir string, headers map[string]string, abi int, cuda bool) {
	t.Helper()
	for name, text := range headers {
		write(t, filepath.Join(dir, "include", name), text)
	}
	lib := filepath.Join(dir, "lib")
	write(t, filepath.Join(lib, "libtorch.so"), "")
	if cuda {
		write(t, filepath.Join(lib, "libtorch_cuda.so.2"), "")
	}
	src := filepath.Join(t.TempDir(), "c10.cpp")
	write(t, src, c10Source)
	out, err := exec.Command("g++", "-shared", "-fPIC", "-D_GLIBCXX_USE_CXX11_ABI="+string(rune('0'+abi)),
		"-o", filepath.Join(lib, "libc10.so"), src).CombinedOutput()
	if err != nil {
		t.Fatalf("g++: %v\n%s", err, out)
	}
}

func needGXX(t *testing.T) {
	if _, err := exec.LookPath("g++"); err != nil {
		t.Skip("g++ not found")
	}
}

func TestDetect(t *testing.T) {
	needGXX(t)
	for _, tc := range []struct {
		name    string
		headers map[string]string
		abi     int
		cuda    bool
		version string
	}{
		{"1.13 new ABI CPU", map[string]string{versionHeader: versionH}, 1, false, "1.13.0"},
		{"1.13 old ABI CUDA", map[string]string{versionHeader: versionH}, 0, true, "1.13.0"},
		{"2.9 headeronly", map[string]string{versionHeader: versionH29, "torch/headeronly/version.h": headeronlyH29}, 1, false, "2.9.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			fakeLibtorch(t, dir, tc.headers, tc.abi, tc.cuda)
			lt, err := Find(dir)
			if err != nil {
				t.Fatal(err)
			}
			want := Libtorch{Include: filepath.Join(dir, "include"), Lib: filepath.Join(dir, "lib"),
				Version: tc.version, ABI: tc.abi, CUDA: tc.cuda, Source: dir}
			if lt != want {
				t.Errorf("Find = %+v\nwant   %+v", lt, want)
			}
		})
	}
}

func TestDetectNoVersion(t *testing.T) {
	needGXX(t)
	dir := t.TempDir()
	fakeLibtorch(t, dir, map[string]string{versionHeader: "#pragma once\n"}, 1, false)
	if _, err := Find(dir); err == nil || !strings.Contains(err.Error(), "version") {
		t.Errorf("Find of a version.h without numbers: err = %v, want one about the version", err)
	}
}

func TestFindOrder(t *testing.T) {
	needGXX(t)
	headers := map[string]string{versionHeader: versionH}
	// Debian's layout: headers in usr/include, libraries in usr/lib/<multiarch>.
	usr := t.TempDir()
	fakeLibtorch(t, usr, headers, 1, false)
	sysLib := systemLibDirs(usr)[0]
	if runtime.GOARCH == "amd64" && sysLib != filepath.Join(usr, "lib", "x86_64-linux-gnu") {
		t.Fatalf("system library folder %s, want lib/x86_64-linux-gnu", sysLib)
	}
	if err := os.Rename(filepath.Join(usr, "lib"), filepath.Join(usr, "multiarch")); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(sysLib), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(usr, "multiarch"), sysLib); err != nil {
		t.Fatal(err)
	}
	py := t.TempDir()
	fakeLibtorch(t, py, headers, 1, true)
	explicit := t.TempDir()
	fakeLibtorch(t, explicit, headers, 1, false)
	none := func() string { return "" }

	for _, tc := range []struct {
		name, dir, lib string
		python         func() string
	}{
		{"dir wins", explicit, filepath.Join(explicit, "lib"), func() string { return py }},
		{"python before the system", "", filepath.Join(py, "lib"), func() string { return py }},
		{"python without torch", "", sysLib, none},
		{"python's torch not a libtorch folder", "", sysLib, func() string { return t.TempDir() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lt, err := find(tc.dir, tc.python, usr)
			if err != nil {
				t.Fatal(err)
			}
			if lt.Lib != tc.lib {
				t.Errorf("found %s (%s), want %s", lt.Lib, lt.Source, tc.lib)
			}
		})
	}
	if _, err := find("", none, t.TempDir()); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "apt-get install libtorch-dev") {
		t.Errorf("nothing installed: err = %v, want ErrNotFound saying what to install", err)
	}
	if _, err := find(t.TempDir(), none, usr); err == nil || errors.Is(err, ErrNotFound) {
		t.Errorf("an explicit folder that is not a libtorch: err = %v, want an error naming it", err)
	}
}

func TestFingerprint(t *testing.T) {
	base := Libtorch{Include: "/usr/include", Lib: "/usr/lib/x86_64-linux-gnu", Version: "1.13.0", ABI: 1}
	seen := map[string]string{Fingerprint(base): "base"}
	for name, lt := range map[string]Libtorch{
		"version": {Include: base.Include, Lib: base.Lib, Version: "2.1.0", ABI: 1},
		"abi":     {Include: base.Include, Lib: base.Lib, Version: base.Version, ABI: 0},
		"cuda":    {Include: base.Include, Lib: base.Lib, Version: base.Version, ABI: 1, CUDA: true},
		"lib":     {Include: base.Include, Lib: "/opt/torch/lib", Version: base.Version, ABI: 1},
	} {
		fp := Fingerprint(lt)
		if other, ok := seen[fp]; ok {
			t.Errorf("a different %s gives the fingerprint of %s: %s", name, other, fp)
		}
		seen[fp] = name
	}
	if Fingerprint(base) != Fingerprint(base) {
		t.Error("Fingerprint is not deterministic")
	}
}
