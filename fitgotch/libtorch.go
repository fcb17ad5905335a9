package fitgotch

import (
	"debug/elf"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
)

// Libtorch is one libtorch installation, as the fitting needs it.
type Libtorch struct {
	Include string // holds torch/csrc/api/include
	Lib     string // holds libtorch.so
	Version string // e.g. "2.1.0"
	ABI     int    // the _GLIBCXX_USE_CXX11_ABI it was built with, 0 or 1
	CUDA    bool   // it has libtorch_cuda.so
	Source  string // where it was found, for messages
}

// versionHeader is where every libtorch keeps its version.h, relative to the
// include folder; 2.9 and later define the numbers in headeronly/version.h.
const versionHeader = "torch/csrc/api/include/torch/version.h"

// ErrNotFound is returned by Find when no libtorch is found.
var ErrNotFound = errors.New("no libtorch found")

// Find returns the libtorch to fit to, its version, ABI and CUDA detected.
// The first match wins:
//
//  1. dir, when not empty: a folder with include/ and lib/ (an unpacked
//     libtorch zip, or the torch/ folder of a Python install);
//  2. the torch/ folder of python3's torch package, when it has one;
//  3. Debian's libtorch-dev: /usr/include and /usr/lib/<multiarch>.
//
// With none of them it returns an error wrapping ErrNotFound that says what
// to install.
func Find(dir string) (Libtorch, error) {
	return find(dir, pythonTorch, "/usr")
}

func find(dir string, python func() string, usr string) (Libtorch, error) {
	if dir != "" {
		lt, err := Layout(dir)
		if err != nil {
			return Libtorch{}, err
		}
		lt.Source = dir
		return lt, Detect(&lt)
	}
	if py := python(); py != "" {
		if lt, err := Layout(py); err == nil {
			lt.Source = "python3's torch package"
			return lt, Detect(&lt)
		}
	}
	for _, lib := range systemLibDirs(usr) {
		lt := Libtorch{Include: filepath.Join(usr, "include"), Lib: lib, Source: "the system's libtorch (Debian's libtorch-dev)"}
		if fileExists(filepath.Join(lt.Include, versionHeader)) && hasLib(lib, "libtorch.so") {
			return lt, Detect(&lt)
		}
	}
	return Libtorch{}, fmt.Errorf("%w: install one of\n"+
		"  - Debian/Ubuntu: sudo apt-get install libtorch-dev\n"+
		"  - Python: pip install torch (its torch/ folder has include/ and lib/)\n"+
		"  - the libtorch zip from https://pytorch.org/get-started/locally/, unpacked", ErrNotFound)
}

// Layout returns the include and library folders of dir, which must hold
// include/ and lib/ as libtorch's zip and Python's torch/ folder do.
func Layout(dir string) (Libtorch, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return Libtorch{}, fmt.Errorf("fitgotch: libtorch folder %s: %w", dir, err)
	}
	lt := Libtorch{Include: filepath.Join(abs, "include"), Lib: filepath.Join(abs, "lib")}
	if !fileExists(filepath.Join(lt.Include, versionHeader)) || !hasLib(lt.Lib, "libtorch.so") {
		return Libtorch{}, fmt.Errorf("fitgotch: %s is not a libtorch folder: it needs include/%s and lib/libtorch.so", dir, versionHeader)
	}
	return lt, nil
}

// Detect fills lt's Version (from torch/version.h), ABI (from the symbols
// libc10.so exports: a new-ABI build exports std::__cxx11 names) and CUDA
// (whether lib/ has libtorch_cuda.so).
func Detect(lt *Libtorch) error {
	v, err := readVersion(lt.Include)
	if err != nil {
		return err
	}
	c10 := firstLib(lt.Lib, "libc10.so")
	if c10 == "" {
		return fmt.Errorf("fitgotch: no libc10.so in %s", lt.Lib)
	}
	abi, err := cxxABI(c10)
	if err != nil {
		return err
	}
	lt.Version, lt.ABI, lt.CUDA = v, abi, hasLib(lt.Lib, "libtorch_cuda.so")
	return nil
}

var versionDefine = regexp.MustCompile(`(?m)^#define TORCH_VERSION_(MAJOR|MINOR|PATCH) (\d+)`)

func readVersion(include string) (string, error) {
	num := map[string]string{}
	for _, h := range []string{versionHeader, "torch/headeronly/version.h"} {
		data, err := os.ReadFile(filepath.Join(include, h))
		if err != nil {
			continue
		}
		for _, m := range versionDefine.FindAllStringSubmatch(string(data), -1) {
			num[m[1]] = m[2]
		}
	}
	if num["MAJOR"] == "" || num["MINOR"] == "" || num["PATCH"] == "" {
		return "", fmt.Errorf("fitgotch: cannot read libtorch's version from %s", filepath.Join(include, versionHeader))
	}
	return num["MAJOR"] + "." + num["MINOR"] + "." + num["PATCH"], nil
}

func cxxABI(so string) (int, error) {
	f, err := elf.Open(so)
	if err != nil {
		return 0, fmt.Errorf("fitgotch: read the C++ ABI of %s: %w", so, err)
	}
	defer f.Close()
	syms, err := f.DynamicSymbols()
	if err != nil {
		return 0, fmt.Errorf("fitgotch: read the C++ ABI of %s: %w", so, err)
	}
	for _, s := range syms {
		if s.Section != elf.SHN_UNDEF && strings.Contains(s.Name, "__cxx11") {
			return 1, nil
		}
	}
	return 0, nil
}

// multiarch are Debian's library folder names, by GOARCH.
var multiarch = map[string]string{
	"amd64": "x86_64-linux-gnu", "arm64": "aarch64-linux-gnu", "ppc64le": "powerpc64le-linux-gnu",
	"s390x": "s390x-linux-gnu", "riscv64": "riscv64-linux-gnu", "386": "i386-linux-gnu",
}

func systemLibDirs(usr string) []string {
	var dirs []string
	if m := multiarch[runtime.GOARCH]; m != "" {
		dirs = append(dirs, filepath.Join(usr, "lib", m))
	}
	return append(dirs, filepath.Join(usr, "lib"), filepath.Join(usr, "lib64"))
}

// pythonTorch returns the folder of python3's torch package, found without
// importing it (an import takes seconds), or "".
func pythonTorch() string {
	py, err := exec.LookPath("python3")
	if err != nil {
		return ""
	}
	out, err := exec.Command(py, "-c",
		"import importlib.util as u, os; s = u.find_spec('torch'); print(os.path.dirname(s.origin) if s and s.origin else '')").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

func fileExists(path string) bool {
	st, err := os.Stat(path)
	return err == nil && !st.IsDir()
}

// firstLib returns dir/name or, failing that, the first dir/name.* (a
// versioned soname), or "".
func firstLib(dir, name string) string {
	if p := filepath.Join(dir, name); fileExists(p) {
		return p
	}
	m, _ := filepath.Glob(filepath.Join(dir, name+".*"))
	for _, p := range m {
		if fileExists(p) {
			return p
		}
	}
	return ""
}

func hasLib(dir, name string) bool { return firstLib(dir, name) != "" }
