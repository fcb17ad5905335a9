// Package conll reads token-per-line tagged corpora and scores taggers:
//
//   - CoNLL-U (Universal Dependencies): ten tab-separated columns, tokens
//     from FORM, the tag from a column chosen by name (upos, xpos, deprel,
//     ...) or number; multiword-token ranges (3-4) and empty nodes (8.1)
//     are skipped, comments kept for writing back.
//   - plain CoNLL columns (CoNLL-2000 chunking, CoNLL-2003 NER):
//     whitespace-separated columns, the token first, the tag in a chosen
//     column (default the last), -DOCSTART- lines ignored.
//
// Sentences end at a blank line. Bad input is an error naming the file and
// line. Chunk scores (Chunks, Score) follow the conlleval script.
package conll

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Format is a file layout.
type Format string

const (
	Auto    Format = "auto"    // CoNLL-U for a .conllu file, else Columns
	CoNLLU  Format = "conllu"  // Universal Dependencies' ten tab-separated columns
	Columns Format = "columns" // whitespace-separated columns, token first
)

// CoNLL-U's column names, in order (column 1 is ID).
var conlluColumns = []string{"id", "form", "lemma", "upos", "xpos", "feats", "head", "deprel", "deps", "misc"}

// Options choose the format and the tag column.
type Options struct {
	Format Format // "" means Auto
	// Column is the tag column: a CoNLL-U name (upos, xpos, deprel, ...) or
	// a 1-based column number. "" means upos for CoNLL-U and the last
	// column for plain columns.
	Column string
	// NoTags reads tokens alone (text to tag): tag columns may be missing.
	NoTags bool
}

// Sentence is one sentence: its tokens and tags, with the lines it came
// from for writing back (Write).
type Sentence struct {
	Tokens []string
	Tags   []string // nil when read with NoTags
	Line   int      // line number of its first line
	// Lines are the sentence's lines as read, comments and skipped rows
	// included; Token[i] is the index in Lines of token i.
	Lines []string
	Token []int
}

// formatOf resolves Auto from the file name.
func (o Options) formatOf(name string) Format {
	if o.Format != "" && o.Format != Auto {
		return o.Format
	}
	if strings.HasSuffix(strings.ToLower(name), ".conllu") {
		return CoNLLU
	}
	return Columns
}

// column is the 0-based tag column, -1 for the last.
func (o Options) column(f Format) (int, error) {
	c := strings.ToLower(strings.TrimSpace(o.Column))
	if c == "" {
		if f == CoNLLU {
			return 3, nil
		}
		return -1, nil
	}
	if n, err := strconv.Atoi(c); err == nil {
		if n < 1 {
			return 0, fmt.Errorf("conll: tag column %d: columns count from 1", n)
		}
		if f == CoNLLU && n > len(conlluColumns) {
			return 0, fmt.Errorf("conll: tag column %d: CoNLL-U has %d columns", n, len(conlluColumns))
		}
		return n - 1, nil
	}
	if f == CoNLLU {
		for i, name := range conlluColumns {
			if name == c {
				return i, nil
			}
		}
	}
	if c == "last" && f == Columns {
		return -1, nil
	}
	return 0, fmt.Errorf("conll: tag column %q: want a column number or, for CoNLL-U, one of %s", o.Column, strings.Join(conlluColumns, ", "))
}

// ReadFile reads the sentences of one file.
func ReadFile(path string, opt Options) ([]Sentence, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("conll: %w", err)
	}
	defer f.Close()
	return Read(f, path, opt)
}

// Read reads the sentences of r; name is the file name for the format and
// for errors ("conll: train.conllu:12: ...").
func Read(r io.Reader, name string, opt Options) ([]Sentence, error) {
	format := opt.formatOf(name)
	col, err := opt.column(format)
	if err != nil {
		return nil, err
	}
	p := &parser{name: filepath.Base(name), format: format, col: col, noTags: opt.NoTags}
	br := bufio.NewReaderSize(r, 1<<16)
	for {
		line, err := br.ReadBytes('\n')
		if len(line) > 0 {
			p.line++
			if line[len(line)-1] != '\n' {
				return nil, p.errorf("the last line has no newline: the file ends mid-line (truncated?)")
			}
			if err := p.add(bytes.TrimRight(line, "\r\n")); err != nil {
				return nil, err
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("conll: %s: %w", p.name, err)
		}
	}
	if p.cur != nil {
		if format == CoNLLU {
			return nil, fmt.Errorf("conll: %s:%d: the sentence starting here has no blank line after it (truncated file?)", p.name, p.cur.Line)
		}
		p.end()
	}
	return p.out, nil
}

type parser struct {
	name   string
	format Format
	col    int
	noTags bool
	line   int
	width  int // columns of the first token row (plain columns)
	cur    *Sentence
	out    []Sentence
}

func (p *parser) errorf(format string, args ...any) error {
	return fmt.Errorf("conll: %s:%d: %s", p.name, p.line, fmt.Sprintf(format, args...))
}

// add takes one line without its newline.
func (p *parser) add(b []byte) error {
	if !utf8.Valid(b) {
		return p.errorf("invalid UTF-8")
	}
	line := string(b)
	if strings.TrimSpace(line) == "" {
		p.end()
		return nil
	}
	if p.cur == nil {
		p.cur = &Sentence{Line: p.line}
	}
	if p.format == CoNLLU {
		return p.conllu(line)
	}
	return p.columns(line)
}

func (p *parser) end() {
	if p.cur != nil && len(p.cur.Tokens) > 0 {
		p.out = append(p.out, *p.cur)
	}
	p.cur = nil
}

func (p *parser) keep(line, token, tag string) {
	s := p.cur
	s.Lines = append(s.Lines, line)
	if token == "" {
		return
	}
	s.Token = append(s.Token, len(s.Lines)-1)
	s.Tokens = append(s.Tokens, token)
	if !p.noTags {
		s.Tags = append(s.Tags, tag)
	}
}

func (p *parser) conllu(line string) error {
	if strings.HasPrefix(line, "#") {
		p.keep(line, "", "")
		return nil
	}
	f := strings.Split(line, "\t")
	if len(f) != len(conlluColumns) && !(p.noTags && len(f) >= 2) {
		return p.errorf("%d tab-separated columns, CoNLL-U has %d", len(f), len(conlluColumns))
	}
	id := f[0]
	if strings.ContainsAny(id, "-.") { // a multiword range or an empty node
		p.keep(line, "", "")
		return nil
	}
	if n, err := strconv.Atoi(id); err != nil || n < 1 {
		return p.errorf("ID %q is not a word number", id)
	}
	if f[1] == "" {
		return p.errorf("empty FORM")
	}
	tag := ""
	if !p.noTags {
		tag = f[p.col]
		if tag == "" || tag == "_" {
			return p.errorf("no tag in column %d (%s)", p.col+1, conlluColumns[p.col])
		}
	}
	p.keep(line, f[1], tag)
	return nil
}

func (p *parser) columns(line string) error {
	f := strings.Fields(line)
	if f[0] == "-DOCSTART-" {
		p.cur.Lines = nil // a document mark, not a sentence row
		p.end()
		return nil
	}
	if p.noTags {
		p.keep(line, f[0], "")
		return nil
	}
	if p.width == 0 {
		p.width = len(f)
	}
	col := p.col
	if col < 0 {
		col = p.width - 1
	}
	switch {
	case len(f) != p.width:
		return p.errorf("%d columns, earlier rows have %d", len(f), p.width)
	case col >= len(f) || col == 0:
		return p.errorf("no tag: the tag column %d is not among the %d columns after the token", col+1, len(f))
	}
	p.keep(line, f[0], f[col])
	return nil
}
