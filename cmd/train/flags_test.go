package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The acceptance test of issue 18: every numeric flag of cmd/train (and
// cmd/predict's and cmd/generate's) at 0, negative, huge, NaN and Inf, and
// bad data, run as the built programs a user runs. Each case either
// succeeds, where the value is legitimately valid, or exits non-zero with a
// single line on stderr naming the flag or file; none may panic, hang or
// print a C++ frame.

// extremes are the values each numeric flag is tried with.
var extremes = []string{"0", "-1", "4611686018427387904", "9223372036854775807", "NaN", "Inf"}

// never are the marks of a crash that must reach no user.
var never = []string{"panic:", "goroutine ", "frame #", "terminate called", "Exception raised from", "fatal error"}

var tools struct {
	once sync.Once
	dir  string // train, predict, generate and the tiny data sets
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if tools.dir != "" {
		os.RemoveAll(tools.dir)
	}
	os.Exit(code)
}

// built returns a folder holding the built commands and small data sets:
// tiny.csv (two classes), tiny.txt (a text for -task lm), tiny.conllu.
func built(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the commands")
	}
	tools.once.Do(func() {
		if tools.dir, tools.err = os.MkdirTemp("", "torchrnn-flags-"); tools.err != nil {
			return
		}
		for _, cmd := range []string{"train", "predict", "generate"} {
			out, err := exec.Command("go", "build", "-o", filepath.Join(tools.dir, cmd), "../"+cmd).CombinedOutput()
			if err != nil {
				tools.err = fmt.Errorf("go build %s: %v\n%s", cmd, err, out)
				return
			}
		}
		tools.err = writeTinyData(tools.dir)
	})
	if tools.err != nil {
		t.Fatal(tools.err)
	}
	return tools.dir
}

func writeTinyData(dir string) error {
	var csv strings.Builder
	csv.WriteString("review,sentiment\n")
	pos := []string{"a wonderful film, great acting", "loved it, superb and moving", "brilliant story and a fine cast"}
	neg := []string{"dull and boring, an awful plot", "terrible acting, a waste", "a bad film with a weak script"}
	for i := range 30 {
		fmt.Fprintf(&csv, "%q,positive\n%q,negative\n", pos[i%3], neg[i%3])
	}
	var conllu strings.Builder
	for i := range 40 {
		fmt.Fprintf(&conllu, "# sent_id = %d\n1\tThe\tthe\tDET\t_\t_\t2\tdet\t_\t_\n2\tcat\tcat\tNOUN\t_\t_\t3\tnsubj\t_\t_\n3\tsat\tsit\tVERB\t_\t_\t0\troot\t_\t_\n4\t.\t.\tPUNCT\t_\t_\t3\tpunct\t_\t_\n\n", i)
	}
	files := map[string]string{
		"tiny.csv":    csv.String(),
		"tiny.txt":    strings.Repeat("the quick brown fox jumps over the lazy dog.\n", 60),
		"tiny.conllu": conllu.String(),
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// result is what one run of a command left.
type result struct {
	code           int
	stdout, stderr string
	timedOut       bool
}

func runTool(t *testing.T, timeout time.Duration, name string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(built(t), name), args...)
	cmd.Dir = t.TempDir()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.Stdin = strings.NewReader("")
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String(), timedOut: ctx.Err() != nil}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s %v: %v", name, args, err)
	}
	return r
}

// check asserts a run's outcome: exit 0 when want is "", else a non-zero
// exit with one line on stderr containing want; never a crash or a hang.
func (r result) check(t *testing.T, want string) {
	t.Helper()
	if r.timedOut {
		t.Fatalf("timed out (hang); stderr:\n%s", tail(r.stderr))
	}
	for _, bad := range never {
		if strings.Contains(r.stdout+r.stderr, bad) {
			t.Fatalf("output has %q:\n%s", bad, tail(r.stdout+r.stderr))
		}
	}
	if want == "" {
		if r.code != 0 {
			t.Fatalf("exit %d, want 0; stderr:\n%s", r.code, tail(r.stderr))
		}
		return
	}
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	switch {
	case r.code == 0:
		t.Fatalf("exit 0, want an error naming %s", want)
	case r.code < 1 || r.code > 125:
		t.Fatalf("exit %d (killed?), want an error status; stderr:\n%s", r.code, tail(r.stderr))
	case len(lines) != 1 || lines[0] == "":
		t.Fatalf("exit %d with %d lines on stderr, want one naming %s:\n%s", r.code, len(lines), want, tail(r.stderr))
	case !strings.Contains(lines[0], want):
		t.Fatalf("exit %d: %q does not name %s", r.code, lines[0], want)
	}
}

func tail(s string) string {
	if len(s) > 2000 {
		return "..." + s[len(s)-2000:]
	}
	return s
}

// flagCase is one numeric flag of cmd/train: which task reads it, the
// values of extremes that are valid (the run succeeds), and what the error
// for the others must name (the flag itself unless said).
type flagCase struct {
	flag  string
	task  string            // classify, lm, tag or seq2seq
	valid map[string]bool   // value -> succeeds
	names map[string]string // value -> what the error names, when not -flag
	extra []string          // more arguments
	also  func(*testing.T, result, string)
}

func ok(values ...string) map[string]bool {
	m := map[string]bool{}
	for _, v := range values {
		m[v] = true
	}
	return m
}

const (
	huge   = "4611686018427387904" // 2^62
	maxInt = "9223372036854775807" // MaxInt64
)

var trainFlags = []flagCase{
	{flag: "bptt", task: "lm", valid: ok(huge, maxInt)},
	{flag: "epochs", task: "lm", valid: ok(huge, maxInt)},
	{flag: "batch", task: "classify", valid: ok(huge, maxInt)},
	{flag: "batch", task: "lm"},
	{flag: "lr", task: "lm"},
	{flag: "weight-decay", task: "lm", valid: ok("0", huge, maxInt)},
	{flag: "clip", task: "lm", valid: ok("0", "-1", huge, maxInt, "Inf")},
	{flag: "max-len", task: "classify", valid: ok("-1", huge, maxInt)},
	{flag: "min-freq", task: "lm", valid: ok(huge, maxInt)},
	{flag: "max-vocab", task: "lm", valid: ok("0", huge, maxInt)},
	{flag: "softmax-samples", task: "lm", valid: ok("0")}, // more samples than the tiny text's words is an error too
	{flag: "valid", task: "lm"},
	{flag: "seed", task: "classify", valid: ok("0", "-1", huge, maxInt)},
	{flag: "threads", task: "classify", valid: ok("0", huge, maxInt), also: func(t *testing.T, r result, v string) {
		if v == huge && !strings.Contains(r.stdout, "threads asked") {
			t.Errorf("-threads %s: no warning that the count was capped:\n%s", v, tail(r.stdout))
		}
	}},
	{flag: "patience", task: "classify", valid: ok("0", huge, maxInt)},
	{flag: "unfreeze", task: "classify", valid: ok("0")}, // anything else needs -init-from, or is negative
	{flag: "embed", task: "classify", valid: ok("0")},
	{flag: "hidden", task: "classify", valid: ok("0")},
	{flag: "hidden", task: "lm", valid: ok("0")},
	{flag: "layers", task: "classify", valid: ok("0")},
	{flag: "layers", task: "lm", valid: ok("0")},
	{flag: "head", task: "classify", valid: ok("0")},
	{flag: "dropout", task: "classify", valid: ok("0")},
	{flag: "embed-dropout", task: "classify", valid: ok("0")},
	{flag: "anneal", task: "classify", valid: ok("0", huge, maxInt)},
	{flag: "anneal", task: "lm", valid: ok("0", huge, maxInt)},
	{flag: "lr-final", task: "tag", valid: ok("0")},
	{flag: "word-dropout", task: "tag", valid: ok("0")},
	{flag: "char-embed", task: "tag", valid: ok("0")},
	{flag: "char-hidden", task: "tag", valid: ok("0")},
	{flag: "dist-timeout", task: "classify", valid: ok("0")},
	{flag: "dist-backend", task: "classify"},
	{flag: "beam", task: "seq2seq"},
	{flag: "alpha", task: "seq2seq", valid: ok("0", huge, maxInt)},
	{flag: "teacher-forcing", task: "seq2seq"},
	{flag: "label-smoothing", task: "seq2seq", valid: ok("0")},
	{flag: "max-time", task: "seq2seq", valid: ok("0")},
}

func TestTrainFlagExtremes(t *testing.T) {
	dir := built(t)
	data := map[string][]string{
		"classify": {"-data", filepath.Join(dir, "tiny.csv")},
		"lm":       {"-text", filepath.Join(dir, "tiny.txt")},
		"tag":      {"-train", filepath.Join(dir, "tiny.conllu"), "-valid", "0.25"},
		"seq2seq":  {"-data", "toy:reverse", "-embed", "8", "-hidden", "16"},
	}
	for _, fc := range trainFlags {
		for _, v := range extremes {
			t.Run(fmt.Sprintf("%s/%s=%s", fc.task, fc.flag, v), func(t *testing.T) {
				t.Parallel()
				args := append([]string{"-task", fc.task, "-dry-run", "-out", filepath.Join(t.TempDir(), "run")}, data[fc.task]...)
				if fc.flag == "valid" {
					args = args[:len(args)-2] // the tag data's -valid
				}
				args = append(append(args, fc.extra...), "-"+fc.flag+"="+v)
				r := runTool(t, 90*time.Second, "train", args...)
				want := "-" + fc.flag
				if n, ok := fc.names[v]; ok {
					want = n
				}
				if fc.valid[v] {
					want = ""
				}
				r.check(t, want)
				if fc.also != nil {
					fc.also(t, r, v)
				}
			})
		}
	}
}

// runFolder trains a dry run of task once per test binary and returns its folder.
var runs sync.Map

func runFolder(t *testing.T, task string) string {
	t.Helper()
	dir := built(t)
	if d, ok := runs.Load(task); ok {
		return d.(string)
	}
	out := filepath.Join(dir, "run-"+task)
	data := map[string][]string{"classify": {"-data", filepath.Join(dir, "tiny.csv")}, "lm": {"-text", filepath.Join(dir, "tiny.txt")}}[task]
	os.RemoveAll(out)
	r := runTool(t, 90*time.Second, "train", append([]string{"-task", task, "-dry-run", "-out", out}, data...)...)
	r.check(t, "")
	runs.Store(task, out)
	return out
}

func TestGenerateFlagExtremes(t *testing.T) {
	run := runFolder(t, "lm")
	cases := []struct {
		flag  string
		valid map[string]bool
	}{
		{"len", ok()}, // huge -len is checked below with a closed pipe
		{"n", ok()},
		{"seed", ok("0")},
		{"temperature", ok("0", huge, maxInt)},
		{"top-k", ok("0", huge, maxInt)},
		{"top-p", ok("0")},
	}
	for _, c := range cases {
		for _, v := range extremes {
			if (c.flag == "len" || c.flag == "n") && (v == huge || v == maxInt) {
				continue
			}
			t.Run(c.flag+"="+v, func(t *testing.T) {
				r := runTool(t, 60*time.Second, "generate", "-run", run, "-len", "20", "-"+c.flag+"="+v)
				want := "-" + c.flag
				if c.valid[v] {
					want = ""
				}
				if c.flag == "seed" && (v == huge || v == maxInt) {
					want = "" // -seed is a uint64
				}
				r.check(t, want)
			})
		}
	}
	// -len of 2^62 streams until its reader goes away: the program ends by
	// SIGPIPE, not by a hang or a crash.
	t.Run("len=huge", func(t *testing.T) {
		cmd := exec.Command(filepath.Join(built(t), "generate"), "-run", run, "-len", huge)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 200)
		n, _ := io.ReadFull(stdout, buf)
		stdout.Close()
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			t.Fatal("generate -len 2^62 did not stop when its output was closed")
		}
		if n < 200 {
			t.Errorf("generate -len 2^62 wrote %d bytes before stopping, want a stream; stderr: %s", n, stderr.String())
		}
		for _, bad := range never {
			if strings.Contains(stderr.String(), bad) {
				t.Fatalf("stderr has %q:\n%s", bad, tail(stderr.String()))
			}
		}
	})
}

func TestBadData(t *testing.T) {
	built(t)
	tmp := t.TempDir()
	write := func(path, text string) string {
		path = filepath.Join(tmp, path)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	oneClass := write("one.csv", "review,sentiment\n\"good\",positive\n\"fine\",positive\n\"great\",positive\n")
	// aclImdb with an empty train/neg.
	empty := filepath.Join(tmp, "empty", "aclImdb")
	for _, split := range []string{"train", "test"} {
		for _, class := range []string{"pos", "neg"} {
			if split == "train" && class == "neg" {
				os.MkdirAll(filepath.Join(empty, split, class), 0o755)
				continue
			}
			for i := range 3 {
				write(filepath.Join("empty", "aclImdb", split, class, fmt.Sprintf("%d_7.txt", i)), "a review of a film")
			}
		}
	}
	// aclImdb with a review that is a symbolic link to a FIFO.
	fifo := filepath.Join(tmp, "fifo", "aclImdb")
	for _, split := range []string{"train", "test"} {
		for _, class := range []string{"pos", "neg"} {
			for i := range 3 {
				write(filepath.Join("fifo", "aclImdb", split, class, fmt.Sprintf("%d_7.txt", i)), "a review of a film")
			}
		}
	}
	pipe := filepath.Join(tmp, "fifo", "pipe")
	if err := syscall.Mkfifo(pipe, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(pipe, filepath.Join(fifo, "train", "neg", "9_1.txt")); err != nil {
		t.Fatal(err)
	}
	trainTSV := write("train.tsv", "1\tpositive\tgood\n2\tnegative\tbad\n3\tneutral\tso so\n4\tpositive\tfine\n")
	devTSV := write("dev.tsv", "5\tpositive\tgood\n6\tmixed\tbad\n")
	out := func() string { return filepath.Join(t.TempDir(), "run") }
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"csv with one class", []string{"-data", oneClass, "-dry-run", "-out", out()}, oneClass},
		{"empty train/neg", []string{"-data", empty, "-dry-run", "-out", out()}, "neg"},
		{"review a symlink to a FIFO", []string{"-data", fifo, "-dry-run", "-out", out()}, "9_1.txt"},
		{"missing text", []string{"-task", "lm", "-text", filepath.Join(tmp, "none.txt"), "-dry-run", "-out", out()}, "none.txt"},
		{"-data for a language model", []string{"-task", "lm", "-data", trainTSV, "-dry-run", "-out", out()}, "-task lm reads its text from -text"},
		{"-text-column 0", []string{"-train", trainTSV, "-text-column", "0", "-label-column", "2", "-dry-run", "-out", out()}, "-text-column 0"},
		{"-label-column not in the header", []string{"-train", trainTSV, "-text-column", "3", "-label-column", "polarity", "-dry-run", "-out", out()}, "-train: imdb: " + trainTSV + ":1: label column"},
		{"-dev label not in -train", []string{"-train", trainTSV, "-dev", devTSV, "-text-column", "3", "-label-column", "2", "-dry-run", "-out", out()}, `-dev: imdb: label "mixed"`},
		{"-pooling sum", []string{"-pooling", "sum", "-dry-run", "-out", out()}, "-pooling"},
	} {
		t.Run(c.name, func(t *testing.T) {
			runTool(t, 60*time.Second, "train", c.args...).check(t, c.want)
		})
	}

	// A copy of a classifier's run folder, damaged.
	damaged := func(t *testing.T, edit func(run string)) string {
		src := runFolder(t, "classify")
		dst := filepath.Join(t.TempDir(), "run")
		if out, err := exec.Command("cp", "-r", src, dst).CombinedOutput(); err != nil {
			t.Fatalf("cp: %v %s", err, out)
		}
		edit(dst)
		return dst
	}
	t.Run("predict -explain without attention pooling", func(t *testing.T) {
		runTool(t, 60*time.Second, "predict", "-run", runFolder(t, "classify"), "-explain", "a fine film").check(t, "-pooling attention")
	})
	t.Run("predict config.json vocab outside the folder", func(t *testing.T) {
		run := damaged(t, func(run string) {
			replaceIn(t, filepath.Join(run, "config.json"), `"vocab.txt"`, `"../../../../etc/passwd"`)
		})
		runTool(t, 60*time.Second, "predict", "-run", run, "a fine film").check(t, "vocab")
	})
	t.Run("predict damaged vocab.txt", func(t *testing.T) {
		run := damaged(t, func(run string) {
			path := filepath.Join(run, "vocab.txt")
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(string(b), "\n")
			lines[5], lines[6] = lines[6], lines[5]
			os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644)
		})
		runTool(t, 60*time.Second, "predict", "-run", run, "a fine film").check(t, "vocab.txt")
	})
	t.Run("replaced and dropped rows are reported", func(t *testing.T) {
		b, err := os.ReadFile(filepath.Join(tools.dir, "tiny.csv"))
		if err != nil {
			t.Fatal(err)
		}
		csv := write("warn.csv", string(b)+"\"\",positive\n\"bad \xff\xfe text\",negative\n")
		r := runTool(t, 60*time.Second, "train", "-data", csv, "-dry-run", "-out", out())
		r.check(t, "")
		for _, want := range []string{"1 text with invalid UTF-8 replaced", "1 empty text dropped"} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("no warning %q:\n%s", want, tail(r.stdout))
			}
		}
	})
	t.Run("resume from another folder, ignoring -lr", func(t *testing.T) {
		run := damaged(t, func(string) {})
		r := runTool(t, 60*time.Second, "train", "-resume", run, "-epochs", "2", "-lr", "0.5")
		r.check(t, "")
		if !strings.Contains(r.stderr, "-resume ignores -lr 0.5") {
			t.Errorf("no warning that -lr is ignored; stderr:\n%s", r.stderr)
		}
	})
	t.Run("resume with a bogus level", func(t *testing.T) {
		run := damaged(t, func(run string) {
			replaceIn(t, filepath.Join(run, "config.json"), `"level": "char"`, `"level": "bogus"`)
		})
		runTool(t, 60*time.Second, "train", "-resume", run, "-epochs", "2").check(t, "level")
	})
	t.Run("resume with a NaN-free but negative lr", func(t *testing.T) {
		run := damaged(t, func(run string) {
			replaceIn(t, filepath.Join(run, "config.json"), `"lr": 0.002`, `"lr": -1`)
		})
		runTool(t, 60*time.Second, "train", "-resume", run, "-epochs", "2").check(t, "lr")
	})
	t.Run("resume with a negative hidden size", func(t *testing.T) {
		run := damaged(t, func(run string) {
			replaceIn(t, filepath.Join(run, "config.json"), `"hidden": 96`, `"hidden": -4`)
		})
		runTool(t, 60*time.Second, "train", "-resume", run, "-epochs", "2").check(t, "hidden")
	})
}

func replaceIn(t *testing.T, path, old, new string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(old)) {
		t.Fatalf("%s has no %s", path, old)
	}
	if err := os.WriteFile(path, bytes.ReplaceAll(b, []byte(old), []byte(new)), 0o644); err != nil {
		t.Fatal(err)
	}
}
