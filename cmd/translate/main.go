// Command translate translates sentences with a seq2seq run folder
// written by cmd/train -task seq2seq:
//
//	go run ./cmd/translate -run runs/seq2seq-... "ein mann fährt fahrrad ."
//	go run ./cmd/translate -run runs/seq2seq-... -file test.de > test.hyp.en   # one sentence a line
//	go run ./cmd/translate -run runs/seq2seq-... -file test.de -ref test.en    # and corpus BLEU on stderr
//	echo "zwei hunde spielen ." | go run ./cmd/translate -run runs/seq2seq-... -show-attention text
//	go run ./cmd/translate -run runs/seq2seq-... -tokenizer moses "Ein Mann fährt Fahrrad."  # raw text
//
// It writes one translation per line. Sentences are tokenised with the
// run's tokenizer; source words outside its vocabulary are fed as <unk>
// with a warning on stderr. -beam defaults to the run's (the width of its
// test evaluation), and sentences are decoded in the trainer's batches, so
// the run's test file translates to the BLEU the trainer reported.
// -show-attention text prints each sentence's attention weights after its
// translation; -show-attention FILE.png saves a heat map of the first
// sentence's (FILE-2.png ... for the others).
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"github.com/torchrnn/torchrnn/bleu"
	"github.com/torchrnn/torchrnn/infer"
	"github.com/torchrnn/torchrnn/rundir"
	"github.com/torchrnn/torchrnn/torch"
)

func init() { runtime.LockOSThread() }

func main() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }

type options struct {
	dir, device, file, ref, attention, tokenizer string
	beam, threads                                int
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("translate", flag.ContinueOnError)
	var o options
	fs.StringVar(&o.dir, "run", "", "run folder written by cmd/train -task seq2seq (required)")
	fs.StringVar(&o.device, "device", "auto", "auto, cpu, cuda or cuda:N")
	fs.StringVar(&o.file, "file", "", "translate each line of this file (else the arguments, else stdin lines)")
	fs.StringVar(&o.ref, "ref", "", "reference translations, one a line: print corpus BLEU on stderr")
	fs.IntVar(&o.beam, "beam", 0, "beam width (1: greedy); 0: the run's")
	fs.StringVar(&o.tokenizer, "tokenizer", "", "split sentences with this tokenizer instead of the run's: moses reads raw text for a run on Multi30k's tokenised files (fields)")
	fs.IntVar(&o.threads, "threads", 1, "libtorch CPU threads (the trainer's evaluation uses 1)")
	fs.StringVar(&o.attention, "show-attention", "", "text: print each sentence's attention weights; FILE.png: save them as a heat map")
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	fs.SetOutput(stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fs.Usage()
		return 0
	case err != nil:
		fmt.Fprintf(stderr, "translate: %v (-help lists the flags)\n", err)
		return 2
	case o.dir == "":
		fmt.Fprintln(stderr, "translate: -run is required")
		return 2
	case o.beam < 0 || o.beam > 1000:
		fmt.Fprintf(stderr, "translate: -beam %d: want 0 (the run's) to 1000\n", o.beam)
		return 2
	case o.threads < 1:
		fmt.Fprintf(stderr, "translate: -threads %d: must be at least 1\n", o.threads)
		return 2
	case o.attention != "" && o.attention != "text" && !strings.HasSuffix(strings.ToLower(o.attention), ".png"):
		fmt.Fprintf(stderr, "translate: -show-attention %s: want text or a .png file name\n", o.attention)
		return 2
	}
	if err := translate(o, fs.Args(), stdin, stdout, stderr); err != nil {
		fmt.Fprintln(stderr, "translate:", err)
		var usage usageError
		if errors.As(err, &usage) {
			return 2
		}
		return 1
	}
	return 0
}

type usageError struct{ error }

func translate(o options, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	texts, err := gather(o.file, args, stdin)
	if err != nil {
		return usageError{err}
	}
	var refs []string
	if o.ref != "" {
		if refs, err = readLines(o.ref); err != nil {
			return usageError{fmt.Errorf("-ref: %w", err)}
		}
		if len(refs) != len(texts) {
			return usageError{fmt.Errorf("-ref %s has %d lines for %d sentences", o.ref, len(refs), len(texts))}
		}
	}
	dev, err := torch.ParseDevice(o.device)
	if err != nil {
		return usageError{fmt.Errorf("-device: %w", err)}
	}
	threads, warning := torch.CapThreads(o.threads)
	if warning != "" {
		fmt.Fprintf(stderr, "translate: warning: -threads: %s\n", warning)
	}
	torch.SetThreads(threads)
	t, err := infer.LoadTranslator(o.dir, dev)
	if err != nil {
		return usageError{fmt.Errorf("-run: %w", err)}
	}
	if o.tokenizer != "" {
		if t.Tokenizer, err = rundir.Tokenizer(o.tokenizer); err != nil {
			return usageError{fmt.Errorf("-tokenizer: %w", err)}
		}
	}
	beam := o.beam
	if beam == 0 {
		beam = t.Beam
	}
	out, err := t.Translate(texts, beam, o.attention != "")
	if err != nil {
		return err
	}
	w := bufio.NewWriter(stdout)
	defer w.Flush()
	hyps, err := writeAll(out, o.attention, o.file != "" || len(args) == 0, w, stderr)
	if err != nil {
		return err
	}
	if refs != nil {
		s, err := bleu.CorpusText(hyps, refs)
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "%s (beam %d, %d sentences)\n", s, beam, len(hyps))
	}
	return nil
}

// writeAll writes each translation's tokens on a line of w (with its
// attention when attention names a format), warns on stderr of empty
// sentences and unknown words (lines says whether the sentences came as
// lines), and returns the lines written.
func writeAll(out []infer.Translation, attention string, lines bool, w io.Writer, stderr io.Writer) ([]string, error) {
	var hyps []string
	moreLines, moreWords := 0, 0 // unknown words past the first maxUnknownLines lines
	for i, tr := range out {
		where := fmt.Sprintf("sentence %d", i+1)
		if lines {
			where = fmt.Sprintf("line %d", i+1)
		}
		switch {
		case len(tr.Source) == 0:
			fmt.Fprintf(stderr, "translate: warning: %s is empty: an empty translation\n", where)
		case len(tr.Unknown) > 0 && i < maxUnknownLines:
			fmt.Fprintf(stderr, "translate: warning: %s: %d unknown word(s) fed as <unk>: %s\n", where, len(tr.Unknown), strings.Join(tr.Unknown, " "))
		case len(tr.Unknown) > 0:
			moreLines, moreWords = moreLines+1, moreWords+len(tr.Unknown)
		}
		line := strings.Join(tr.Tokens, " ")
		hyps = append(hyps, line)
		fmt.Fprintln(w, line)
		if err := showAttention(attention, i, tr, w); err != nil {
			return nil, err
		}
	}
	if moreLines > 0 {
		fmt.Fprintf(stderr, "translate: warning: %d more sentence(s) after the first %d with unknown words: %d word(s) in all fed as <unk>\n", moreLines, maxUnknownLines, moreWords)
	}
	return hyps, nil
}

// maxUnknownLines is how many sentences' unknown words are listed one by
// one; the rest are counted in one line.
const maxUnknownLines = 10

// gather takes the sentences from file's lines, else the arguments, else
// stdin's lines. Empty lines stay (they translate to empty lines).
func gather(file string, args []string, stdin io.Reader) ([]string, error) {
	if file != "" {
		lines, err := readLines(file)
		if err != nil {
			return nil, fmt.Errorf("-file: %w", err)
		}
		return lines, nil
	}
	if len(args) > 0 {
		return args, nil
	}
	lines, err := scanLines(stdin, "stdin")
	if err == nil && len(lines) == 0 {
		err = errors.New("no sentences: pass them as arguments, with -file, or one a line on stdin")
	}
	return lines, err
}

func readLines(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return scanLines(f, path)
}

func scanLines(r io.Reader, name string) ([]string, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	var lines []string
	for sc.Scan() {
		lines = append(lines, strings.TrimSuffix(sc.Text(), "\r"))
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: line %d: %w", name, len(lines)+1, err)
	}
	return lines, nil
}
