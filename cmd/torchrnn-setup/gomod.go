package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// goCmd runs the go command in dir; its error holds go's message.
func goCmd(dir string, args ...string) error {
	_, err := goOutput(dir, args...)
	return err
}

func goOutput(dir string, args ...string) ([]byte, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

// moduleRoot returns the folder of the working directory's go.mod.
func moduleRoot() (string, error) {
	out, err := goOutput(".", "env", "GOMOD")
	if err != nil {
		return "", err
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("no go.mod here: run this inside your Go module (after go mod init and go get github.com/torchrnn/torchrnn@latest)")
	}
	return filepath.Dir(gomod), nil
}

type modVersion struct{ Path, Version string }

// spec is path@version, or path alone when no version is set.
func (m modVersion) spec() string {
	if m.Version == "" {
		return m.Path
	}
	return m.Path + "@" + m.Version
}

// goMod is what go mod edit -json prints of a go.mod.
type goMod struct {
	Require []struct {
		Path, Version string
	}
	Replace []replace
}

type replace struct{ Old, New modVersion }

func readGoMod(root string) (goMod, error) {
	out, err := goOutput(root, "mod", "edit", "-json")
	if err != nil {
		return goMod{}, err
	}
	var m goMod
	if err := json.Unmarshal(out, &m); err != nil {
		return goMod{}, fmt.Errorf("read go mod edit -json: %w", err)
	}
	return m, nil
}

func (m goMod) replacesOf(path string) []replace {
	var rs []replace
	for _, r := range m.Replace {
		if r.Old.Path == path {
			rs = append(rs, r)
		}
	}
	return rs
}

// hasReplace reports whether old, and only old, is replaced by the folder dir.
func (m goMod) hasReplace(old modVersion, dir string) bool {
	rs := m.replacesOf(old.Path)
	return len(rs) == 1 && rs[0].Old == old && rs[0].New == modVersion{Path: dir}
}

func (m goMod) requires(mv modVersion) bool {
	for _, r := range m.Require {
		if r.Path == mv.Path && r.Version == mv.Version {
			return true
		}
	}
	return false
}

// requiredVersion returns the version of gotch the module's build list
// selects: the one torchrnn requires, unless the module asks for a later one.
func requiredVersion(root string) (string, error) {
	out, err := goOutput(root, "list", "-mod=readonly", "-m", "-json", gotchPath)
	if err != nil {
		return "", fmt.Errorf("find the version of gotch torchrnn uses (is torchrnn required? go get github.com/torchrnn/torchrnn@latest): %w", err)
	}
	var m struct{ Version string }
	if err := json.Unmarshal(out, &m); err != nil || m.Version == "" {
		return "", fmt.Errorf("go list -m %s printed no version: %s", gotchPath, out)
	}
	return m.Version, nil
}

// module is what go mod download -json prints of one module.
type module struct {
	Dir   string // its read-only folder in the module cache
	Sum   string // its go.sum hash
	Error string
}

// download returns gotch's folder in the module cache, fetching it when
// needed. It works whether or not go.mod replaces gotch.
func download(root, version string) (module, error) {
	spec := modVersion{Path: gotchPath, Version: version}.spec()
	out, err := goOutput(root, "mod", "download", "-json", spec)
	var m module
	if jerr := json.Unmarshal(out, &m); jerr == nil && m.Error != "" {
		return module{}, fmt.Errorf("download %s: %s", spec, m.Error)
	}
	if err != nil {
		return module{}, err
	}
	if m.Dir == "" {
		return module{}, fmt.Errorf("go mod download -json %s gave no folder: %s", spec, out)
	}
	return m, nil
}
