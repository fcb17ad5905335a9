package fitgotch

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// syntaxCheck compiles src with -fsyntax-only. ok reports success; diag holds
// the compiler's diagnostics otherwise.
func syntaxCheck(cxx string, args []string, src string) (diag string, ok bool, err error) {
	args = append(args, "-fsyntax-only", "-fmax-errors=0", "-fdiagnostics-plain-output", src)
	cmd := exec.Command(cxx, args...)
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	if err == nil {
		return "", true, nil
	}
	if _, isExit := err.(*exec.ExitError); !isExit {
		return "", false, fmt.Errorf("fitgotch: run the C++ compiler %s (cgo needs one too; on Debian: apt-get install g++): %w", cxx, err)
	}
	return stderr.String(), false, nil
}

// function is a top-level C function definition: its signature line starts
// at column 0 and ends with "{", its body ends with "}" alone at column 0.
type function struct {
	name, ret  string
	start, end int // 0-based line indexes of the signature and the closing brace
}

var signature = regexp.MustCompile(`^([A-Za-z][\w\s\*]*?)\s*\**\b(\w+)\s*\(.*\)\s*\{\s*$`)

func functions(lines []string) []function {
	var fns []function
	for i := 0; i < len(lines); i++ {
		m := signature.FindStringSubmatch(lines[i])
		if m == nil {
			continue
		}
		for j := i + 1; j < len(lines); j++ {
			if lines[j] == "}" {
				fns = append(fns, function{name: m[2], ret: strings.TrimSpace(m[1]), start: i, end: j})
				i = j
				break
			}
		}
	}
	return fns
}

// errorLines returns the 1-based lines of file that the diagnostics point at.
func errorLines(diag, file string) map[int]bool {
	re := regexp.MustCompile(regexp.QuoteMeta(filepath.Base(file)) + `:(\d+):`)
	lines := map[int]bool{}
	for _, m := range re.FindAllStringSubmatch(diag, -1) {
		n, _ := strconv.Atoi(m[1])
		lines[n] = true
	}
	return lines
}

// fitFile replaces every function of file that the diagnostics point into by
// one that raises a call-time error, and reports how many it replaced.
func fitFile(file, diag, version string, fitted map[string]bool) (int, error) {
	bad := errorLines(diag, file)
	if len(bad) == 0 {
		return 0, nil
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return 0, fmt.Errorf("fitgotch: %w", err)
	}
	lines := strings.Split(string(data), "\n")
	var hit []function
	for _, fn := range functions(lines) {
		for l := fn.start + 1; l <= fn.end+1; l++ {
			if bad[l] {
				hit = append(hit, fn)
				break
			}
		}
	}
	if len(hit) == 0 {
		return 0, nil
	}
	sort.Slice(hit, func(i, j int) bool { return hit[i].start > hit[j].start })
	for _, fn := range hit {
		body := stub(lines[fn.start], fn, version)
		lines = append(lines[:fn.start], append(body, lines[fn.end+1:]...)...)
		fitted[fn.name] = true
	}
	return len(hit), writeAtomic(file, []byte(strings.Join(lines, "\n")))
}

func stub(sig string, fn function, version string) []string {
	op := strings.TrimPrefix(fn.name, "atg_")
	msg := fmt.Sprintf("torchrnn: %s is not available in libtorch %s (gotch v0.9.1 targets 2.1.0)", op, version)
	body := []string{sig, fmt.Sprintf("  torch_last_err = strdup(%q);", msg)}
	if fn.ret != "void" {
		body = append(body, "  return 0;")
	}
	return append(body, "}")
}
