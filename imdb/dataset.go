// Package imdb reads labelled text classification data: the Large Movie
// Review Dataset (aclImdb, Maas et al. 2011) from its folder or archive,
// CSV files like the Kaggle "IMDB Dataset.csv", generic TSV files, and the
// chosen text and label columns of any CSV or TSV (ReadTable). It reads
// splits given one by one (ReadSplit, Relabel), downloads aclImdb, splits
// datasets with a fixed seed and carries a small built-in sample (Sample).
//
// The aclImdb layout is <root>/<split>/<neg|pos>/<id>_<rating>.txt, where
// neg is class 0 and pos class 1; other files (README, imdb.vocab,
// urls_*.txt, *.feat, train/unsup/) are ignored. Whatever the order of the
// folder or archive, the examples of a split come sorted by label (neg
// first), then by numeric id: train/neg/0_3.txt, train/neg/1_1.txt, ...,
// train/neg/12499_1.txt, train/pos/0_9.txt, ... (a plain name sort would
// put 10_2 before 2_3).
//
// Readers never panic or hang on bad input. Problems that make the data
// unusable (missing folder, corrupt archive, wrong field count, unknown
// label, fewer than two classes or a class without a non-empty text, a
// review over 64 MiB, a review that is not a regular file or a symbolic
// link leading out of the data folder) are errors naming the file and line;
// problems that can be worked around (invalid UTF-8, replaced by U+FFFD;
// empty reviews, skipped) are reported in Dataset.Warnings, counted by
// Dataset.WarningSummary.
package imdb

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// An Example is one labelled text.
type Example struct {
	Text   string
	Label  int    // class id: an index into Dataset.Labels
	Rating int    // the 1-10 star rating when known, else 0
	Source string // where it came from: a file name, or "file:line"
}

// A Dataset is a list of examples and the names of their classes.
type Dataset struct {
	Examples []Example
	Labels   []string  // class id -> name; for aclImdb ["neg", "pos"]
	Warnings []Warning // input problems worked around while reading
}

// A Warning is an input problem that did not stop reading.
type Warning struct {
	Source string // "file" or "file:line"
	Msg    string
	Kind   WarningKind
}

func (w Warning) String() string { return w.Source + ": " + w.Msg }

// WarningKind says what was worked around.
type WarningKind int

const (
	// Replaced: a text held invalid UTF-8, replaced with U+FFFD.
	Replaced WarningKind = iota + 1
	// Dropped: a text was empty (white space only) and was skipped.
	Dropped
)

// WarningSummary returns one line counting the warnings of each kind, with
// the first place each occurred, or "" when there are none:
//
//	imdb: 2 texts with invalid UTF-8 replaced by U+FFFD (first at data.csv:7); 1 empty text dropped (at data.csv:9)
//
// A program reading data should show it: these rows are not what the file
// says.
func (d *Dataset) WarningSummary() string {
	var parts []string
	for _, k := range []struct {
		kind      WarningKind
		one, many string
	}{
		{Replaced, "text with invalid UTF-8 replaced by U+FFFD", "texts with invalid UTF-8 replaced by U+FFFD"},
		{Dropped, "empty text dropped", "empty texts dropped"},
	} {
		n, first := 0, ""
		for _, w := range d.Warnings {
			if w.Kind == k.kind {
				if n++; n == 1 {
					first = w.Source
				}
			}
		}
		switch {
		case n == 1:
			parts = append(parts, fmt.Sprintf("1 %s (at %s)", k.one, first))
		case n > 1:
			parts = append(parts, fmt.Sprintf("%d %s (first at %s)", n, k.many, first))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "imdb: " + strings.Join(parts, "; ")
}

// Split names a part of the aclImdb data.
type Split string

// The splits of aclImdb, 25,000 reviews each.
const (
	Train Split = "train"
	Test  Split = "test"
)

// Sentiment labels of aclImdb and of the CSV reader.
var sentiments = []string{"neg", "pos"}

// Len returns the number of examples.
func (d *Dataset) Len() int { return len(d.Examples) }

// Texts returns the texts of the examples, in order.
func (d *Dataset) Texts() []string {
	out := make([]string, len(d.Examples))
	for i, e := range d.Examples {
		out[i] = e.Text
	}
	return out
}

// LabelIDs returns the labels of the examples, in order.
func (d *Dataset) LabelIDs() []int {
	out := make([]int, len(d.Examples))
	for i, e := range d.Examples {
		out[i] = e.Label
	}
	return out
}

// add appends an example after checking its text: invalid UTF-8 is
// replaced by U+FFFD and an empty (all white space) text is skipped, each
// with a warning. line is the line the text starts on, 0 for a whole file.
func (d *Dataset) add(e Example, raw string, line int) {
	where := e.Source
	if line > 0 {
		where = fmt.Sprintf("%s:%d", e.Source, line)
	}
	text, bad, badLine := validUTF8(raw)
	if bad > 0 {
		d.Warnings = append(d.Warnings, Warning{Source: where, Kind: Replaced, Msg: fmt.Sprintf(
			"%d invalid UTF-8 byte(s) replaced with U+FFFD (first on line %d of the text)", bad, badLine)})
	}
	if strings.TrimSpace(text) == "" {
		d.Warnings = append(d.Warnings, Warning{Source: where, Kind: Dropped, Msg: "empty review skipped"})
		return
	}
	e.Text, e.Source = text, where
	d.Examples = append(d.Examples, e)
}

// checkClasses returns an error naming the file name unless d has at least
// two classes and an example of each: a classifier cannot learn from
// fewer, and an empty class means a wrong file or folder. what describes a
// class's rows, as "rows labelled %q".
func (d *Dataset) checkClasses(name, what string) error {
	counts := make([]int, len(d.Labels))
	for _, e := range d.Examples {
		counts[e.Label]++
	}
	if len(d.Labels) < 2 {
		return fmt.Errorf("imdb: read %s: only one class, %q: a classifier needs at least two", name, d.Labels[0])
	}
	for i, n := range counts {
		if n == 0 {
			return fmt.Errorf("imdb: read %s: no %s (each class needs at least one non-empty text)", name, fmt.Sprintf(what, d.Labels[i]))
		}
	}
	return nil
}

// validUTF8 returns s (not a copy) when it is valid UTF-8, else a copy
// with each invalid byte replaced by U+FFFD, the number of bytes replaced
// and the 1-based line of the first.
func validUTF8(s string) (valid string, bad, line int) {
	if utf8.ValidString(s) {
		return s, 0, 0
	}
	var sb strings.Builder
	sb.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			if bad++; bad == 1 {
				line = 1 + strings.Count(s[:i], "\n")
			}
			sb.WriteRune(utf8.RuneError)
		} else {
			sb.WriteString(s[i : i+n])
		}
		i += n
	}
	return sb.String(), bad, line
}
