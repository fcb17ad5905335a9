// Command predict classifies texts with a run folder written by cmd/train:
//
//	go run ./cmd/predict -run runs/classify-... "A wonderful film." "Dull."
//	cat reviews.txt | go run ./cmd/predict -run runs/classify-...     # one text per line
//	go run ./cmd/predict -run runs/classify-... -file a.txt -file b.txt  # one text per file
//
// It prints the label, its probability and the start of each text, tab-separated.
// Several -run folders of classifiers with the same labels classify as one
// (an ensemble: the mean of their probabilities), with or without -eval:
//
//	go run ./cmd/predict -run runs/a -run runs/b -eval aclImdb/test
//
// -explain then prints each token the model read with its attention weight
// (runs trained with -pooling attention). -eval FILE scores the run on a
// labelled split instead (accuracy, per-class precision, recall and F1,
// macro F1, and the F1 of positive and negative where both classes exist):
//
//	go run ./cmd/predict -run runs/classify-... -eval test.tsv -text-column text -label-column label
//
// On a tagger's run (-task tag) it tags sentences, one per line
// (whitespace-tokenised, or -tokenizer), or the tokens of a CoNLL file, and
// writes CoNLL with the predicted tag as the last column:
//
//	echo "The cat sat ." | go run ./cmd/predict -run runs/tag-...
//	go run ./cmd/predict -run runs/tag-... -conll en_ewt-ud-test.conllu > tagged.conllu
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

	"github.com/torchrnn/torchrnn/infer"
	"github.com/torchrnn/torchrnn/torch"
)

func init() { runtime.LockOSThread() }

type files []string

func (f *files) String() string     { return strings.Join(*f, ",") }
func (f *files) Set(s string) error { *f = append(*f, s); return nil }

func main() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout)) }

func run(args []string, stdin io.Reader, stdout io.Writer) int {
	fs := flag.NewFlagSet("predict", flag.ContinueOnError)
	var runs files
	fs.Var(&runs, "run", "run folder written by cmd/train (required); repeat it to average several classifier runs' probabilities (an ensemble)")
	device := fs.String("device", "auto", "auto, cpu, cuda or cuda:N")
	var inputs files
	fs.Var(&inputs, "file", "classify the whole file as one text (repeatable)")
	explain := fs.Bool("explain", false, "after each text, print each token it kept with its attention weight (a run trained with -pooling attention)")
	tf := tagFlags(fs)
	ef := evalFlags(fs)
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	fs.SetOutput(os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		fs.Usage()
		return 0
	} else if err != nil {
		fmt.Fprintf(os.Stderr, "predict: %v (-help lists the flags)\n", err)
		return 2
	}
	if len(runs) == 0 {
		fmt.Fprintln(os.Stderr, "predict: -run is required")
		return 2
	}
	if isTagRun(runs[0]) {
		if len(runs) > 1 {
			fmt.Fprintf(os.Stderr, "predict: -run %s is a tagger: give it alone (only classifiers average as an ensemble)\n", runs[0])
			return 2
		}
		return tagRun(runs[0], *device, tf, fs.Args(), stdin, stdout)
	}
	if *explain && len(runs) > 1 {
		fmt.Fprintln(os.Stderr, "predict: -explain shows one run's attention: give one -run with it")
		return 2
	}
	var texts []string
	if *ef.file == "" {
		if texts, err = gather(fs.Args(), inputs, stdin); err != nil {
			fmt.Fprintln(os.Stderr, "predict:", err)
			return 2
		}
	} else if len(fs.Args()) > 0 || len(inputs) > 0 || *explain {
		fmt.Fprintln(os.Stderr, "predict: -eval scores a labelled file: give no texts, -file or -explain with it")
		return 2
	}
	dev, err := torch.ParseDevice(*device)
	if err != nil {
		fmt.Fprintln(os.Stderr, "predict: -device:", err)
		return 2
	}
	p, err := loadRuns(runs, dev)
	if err != nil {
		fmt.Fprintln(os.Stderr, "predict:", err)
		return 2
	}
	if *ef.file != "" {
		if err := evaluate(p, ef, stdout); err != nil {
			fmt.Fprintln(os.Stderr, "predict:", err)
			return 1
		}
		return 0
	}
	return classify(p, runs[0], texts, *explain, stdout)
}

// classify prints each text's label, probability and opening words, or with
// explain each kept token's attention weight (one run only; run names it).
func classify(p *infer.Ensemble, run string, texts []string, explain bool, stdout io.Writer) int {
	if explain {
		if len(p.Members) > 1 {
			fmt.Fprintf(os.Stderr, "predict: -explain shows one run's attention, and -run %s is an ensemble of %d: give one member's folder\n", run, len(p.Members))
			return 2
		}
		return explainTexts(p.Members[0], texts, stdout)
	}
	preds, err := p.Predict(texts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "predict:", err)
		return 1
	}
	for i, pr := range preds {
		fmt.Fprintf(stdout, "%s\t%.4f\t%s\n", pr.Label, pr.Prob, snippet(texts[i]))
	}
	return 0
}

// loadRuns loads the classifier runs in dirs as one ensemble (one run is an
// ensemble of one; an ensemble's folder gives all its members).
func loadRuns(dirs []string, dev torch.Device) (*infer.Ensemble, error) {
	var members []*infer.Predictor
	for _, dir := range dirs {
		e, err := infer.LoadEnsemble(dev, dir)
		if err != nil {
			return nil, fmt.Errorf("-run %s: %w", dir, err)
		}
		members = append(members, e.Members...)
	}
	e, err := infer.NewEnsemble(members...)
	if err != nil {
		return nil, fmt.Errorf("-run %s: %w", strings.Join(dirs, " -run "), err)
	}
	return e, nil
}

// gather takes the texts from the arguments, else the files, else stdin lines.
func gather(args []string, inputs files, stdin io.Reader) ([]string, error) {
	if len(args) > 0 {
		return args, nil
	}
	var texts []string
	for _, f := range inputs {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("-file: %w", err)
		}
		texts = append(texts, string(b))
	}
	if len(inputs) > 0 {
		return texts, nil
	}
	sc := bufio.NewScanner(stdin)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" {
			texts = append(texts, line)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("stdin: %w", err)
	}
	if len(texts) == 0 {
		return nil, fmt.Errorf("no texts: pass them as arguments, with -file, or one per line on stdin")
	}
	return texts, nil
}

func snippet(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 60 {
		return string(r[:57]) + "..."
	}
	return s
}
