package imdb

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
)

// ReadTSV reads lines "text<TAB>label" with any set of labels. An optional
// first line "text<TAB>label" is a header; blank lines are skipped; a line
// must hold exactly one tab. Class ids follow the sorted label names:
// numerically when every label is an integer ("2" before "10"), else
// byte-wise ("neg" before "pos"). Rows keep the file order; sources are
// "file:line". Fewer than two labels, or a label whose rows are all
// empty, is an error.
func ReadTSV(path string) (*Dataset, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("imdb: read %w", err)
	}
	defer f.Close()
	return readTSV(f, path)
}

type tsvRow struct {
	text, label string
	line        int
}

func readTSV(r io.Reader, name string) (*Dataset, error) {
	br := bufio.NewReader(r)
	var rows []tsvRow
	for lineNo := 1; ; lineNo++ {
		line, err := br.ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("imdb: read %s:%d: %w", name, lineNo, err)
		}
		if err != nil && line == "" {
			break
		}
		line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
		if strings.TrimSpace(line) == "" || (lineNo == 1 && strings.EqualFold(line, "text\tlabel")) {
			continue
		}
		fields := strings.Split(line, "\t")
		if len(fields) != 2 {
			return nil, fmt.Errorf("imdb: %s:%d: want 2 tab-separated fields (text, label), got %d", name, lineNo, len(fields))
		}
		label := strings.TrimSpace(fields[1])
		if label == "" {
			return nil, fmt.Errorf("imdb: %s:%d: empty label", name, lineNo)
		}
		rows = append(rows, tsvRow{fields[0], label, lineNo})
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("imdb: read %s: no rows", name)
	}
	d := &Dataset{Labels: labelSet(rows)}
	ids := make(map[string]int, len(d.Labels))
	for i, l := range d.Labels {
		ids[l] = i
	}
	for _, row := range rows {
		d.add(Example{Label: ids[row.label], Source: name}, row.text, row.line)
	}
	if err := d.checkClasses(name, "non-empty rows labelled %q"); err != nil {
		return nil, err
	}
	return d, nil
}

// labelSet returns the distinct labels, sorted as ReadTSV documents.
func labelSet(rows []tsvRow) []string {
	var labels []string
	seen := make(map[string]bool)
	for _, r := range rows {
		if !seen[r.label] {
			seen[r.label] = true
			labels = append(labels, r.label)
		}
	}
	slices.SortFunc(labels, compareLabels(labels))
	return labels
}

// compareLabels orders labels numerically when all of them are integers.
func compareLabels(labels []string) func(a, b string) int {
	numeric := !slices.ContainsFunc(labels, func(s string) bool {
		_, err := strconv.ParseInt(s, 10, 64)
		return err != nil
	})
	if !numeric {
		return strings.Compare
	}
	return func(a, b string) int {
		x, _ := strconv.ParseInt(a, 10, 64)
		y, _ := strconv.ParseInt(b, 10, 64)
		return cmp.Or(cmp.Compare(x, y), strings.Compare(a, b))
	}
}
