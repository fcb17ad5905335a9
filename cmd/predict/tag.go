package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/torchrnn/torchrnn/conll"
	"github.com/torchrnn/torchrnn/infer"
	"github.com/torchrnn/torchrnn/rundir"
	"github.com/torchrnn/torchrnn/torch"
	"github.com/torchrnn/torchrnn/vocab"
)

// tagOptions are the flags of a tagger's run.
type tagOptions struct {
	conll, format, tokenizer *string
}

func tagFlags(fs *flag.FlagSet) tagOptions {
	return tagOptions{
		conll:     fs.String("conll", "", "tagger: tag the tokens of this CoNLL-U or CoNLL file (tokens from FORM, or the first column)"),
		format:    fs.String("format", "auto", "tagger: -conll file format: auto (conllu for .conllu), conllu or columns"),
		tokenizer: fs.String("tokenizer", "", "tagger: how plain text lines split into tokens: fields (white space, case kept), whitespace (lower-cased), imdb or chars; empty: the run's (fields)"),
	}
}

// isTagRun says whether dir holds a tagger's run (errors are left to the
// classifier's loader, which reports them).
func isTagRun(dir string) bool {
	_, info, err := rundir.OpenFolder(dir)
	return err == nil && info.Task == "tag"
}

// tagRun tags the sentences of -conll, the arguments (one sentence each)
// or stdin's lines, and writes CoNLL to stdout.
func tagRun(dir, device string, o tagOptions, args []string, stdin io.Reader, stdout io.Writer) int {
	dev, err := torch.ParseDevice(device)
	if err != nil {
		fmt.Fprintln(os.Stderr, "predict: -device:", err)
		return 2
	}
	t, err := infer.LoadTagger(dir, dev)
	if err != nil {
		fmt.Fprintln(os.Stderr, "predict: -run:", err)
		return 2
	}
	tok := t.Tokenizer
	if *o.tokenizer != "" {
		if tok, err = rundir.Tokenizer(*o.tokenizer); err != nil {
			fmt.Fprintln(os.Stderr, "predict: -tokenizer:", err)
			return 2
		}
	}
	sents, err := tagInput(o, args, stdin, tok)
	if err != nil {
		fmt.Fprintln(os.Stderr, "predict:", err)
		return 2
	}
	tokens := make([][]string, len(sents))
	for i, s := range sents {
		tokens[i] = s.Tokens
	}
	tags, err := t.Tag(tokens)
	if err != nil {
		fmt.Fprintln(os.Stderr, "predict:", err)
		return 1
	}
	w := bufio.NewWriter(stdout)
	for i, s := range sents {
		if err := conll.Write(w, s, tags[i]); err != nil {
			fmt.Fprintln(os.Stderr, "predict:", err)
			return 1
		}
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "predict:", err)
		return 1
	}
	return 0
}

// tagInput reads the sentences to tag: the -conll file's, else one per
// argument, else one per non-empty stdin line.
func tagInput(o tagOptions, args []string, stdin io.Reader, tok vocab.Tokenizer) ([]conll.Sentence, error) {
	if *o.conll != "" {
		s, err := conll.ReadFile(*o.conll, conll.Options{Format: conll.Format(*o.format), NoTags: true})
		if err != nil {
			return nil, fmt.Errorf("-conll: %w", err)
		}
		return s, nil
	}
	lines := args
	if len(lines) == 0 {
		sc := bufio.NewScanner(stdin)
		sc.Buffer(make([]byte, 1<<20), 1<<26)
		for sc.Scan() {
			lines = append(lines, sc.Text())
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("stdin: %w", err)
		}
	}
	var sents []conll.Sentence
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		if toks := tok(l); len(toks) > 0 {
			sents = append(sents, conll.Sentence{Tokens: toks})
		}
	}
	if len(sents) == 0 {
		return nil, fmt.Errorf("no sentences: pass them as arguments, one per line on stdin, or -conll FILE")
	}
	return sents, nil
}
