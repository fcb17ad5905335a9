package imdb

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Columns picks the text and the label column of a CSV or TSV file, each
// by its header name (any case) or by its number, counting from 1. The
// zero value means the reader's own layout (ReadCSV, ReadTSV).
type Columns struct {
	Text  string
	Label string
}

// IsZero reports whether c picks no column.
func (c Columns) IsZero() bool { return c.Text == "" && c.Label == "" }

// number is a column given by number (from 1), or 0 for a name.
func number(col string) int {
	n, err := strconv.Atoi(col)
	if err != nil || n < 1 {
		return 0
	}
	return n
}

// Check reports a column that is neither a name nor a number from 1.
func (c Columns) Check() error {
	for _, col := range []string{c.Text, c.Label} {
		if n, err := strconv.Atoi(col); err == nil && n < 1 {
			return fmt.Errorf("imdb: column %d: columns count from 1", n)
		}
		if strings.TrimSpace(col) == "" {
			return fmt.Errorf("imdb: columns: want both the text and the label column (a header name or a number from 1)")
		}
	}
	return nil
}

// ReadTable reads the cols.Text and cols.Label columns of a CSV file
// (.csv; RFC 4180 quoting, texts may span lines) or a TSV file (any other
// name; one row a line, no quoting), with any set of labels, class ids
// following the sorted label names as in ReadTSV. Other columns (an id, a
// date) are ignored. When a column is given by name the first line is the
// header and must hold it; when both are numbers the file has no header,
// unless its first line's label cell is the word "label" or "sentiment"
// (any case). Every row must have as many fields as the first line; blank
// lines are skipped. Sources are "file:line".
func ReadTable(path string, cols Columns) (*Dataset, error) {
	if err := cols.Check(); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("imdb: read %w", err)
	}
	defer f.Close()
	next := tsvLines(f, path)
	if strings.EqualFold(filepath.Ext(path), ".csv") {
		next = csvLines(f, path)
	}
	return readTable(next, path, cols)
}

// lineFunc returns a file's next row and the line it starts on, io.EOF
// at the end.
type lineFunc func() (fields []string, line int, err error)

func csvLines(r io.Reader, name string) lineFunc {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // counted by readTable, which names the line
	return func() ([]string, int, error) {
		rec, err := cr.Read()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil, 0, err
			}
			return nil, 0, fmt.Errorf("imdb: read %s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		return rec, line, nil
	}
}

func tsvLines(r io.Reader, name string) lineFunc {
	br := bufio.NewReader(r)
	lineNo := 0
	return func() ([]string, int, error) {
		for {
			lineNo++
			line, err := br.ReadString('\n')
			if err != nil && !errors.Is(err, io.EOF) {
				return nil, 0, fmt.Errorf("imdb: read %s:%d: %w", name, lineNo, err)
			}
			if err != nil && line == "" {
				return nil, 0, io.EOF
			}
			line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
			if strings.TrimSpace(line) != "" {
				return strings.Split(line, "\t"), lineNo, nil
			}
		}
	}
}

func readTable(next lineFunc, name string, cols Columns) (*Dataset, error) {
	first, line, err := next()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("imdb: read %s: no rows", name)
	}
	if err != nil {
		return nil, err
	}
	text, label, header, err := pickColumns(first, cols)
	if err != nil {
		return nil, fmt.Errorf("imdb: %s:%d: %w", name, line, err)
	}
	var rows []tsvRow
	for fields := first; ; {
		if !header {
			if len(fields) != len(first) {
				return nil, fmt.Errorf("imdb: %s:%d: %d fields, the first line has %d", name, line, len(fields), len(first))
			}
			l := strings.TrimSpace(fields[label])
			if l == "" {
				return nil, fmt.Errorf("imdb: %s:%d: empty label (column %d)", name, line, label+1)
			}
			rows = append(rows, tsvRow{fields[text], l, line})
		}
		header = false
		if fields, line, err = next(); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, err
		}
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("imdb: read %s: no rows", name)
	}
	return labelled(rows, name, "non-empty rows labelled %q")
}

// pickColumns finds the text and label columns (0-based) in a file's
// first line, and whether that line is a header.
func pickColumns(first []string, cols Columns) (text, label int, header bool, err error) {
	header = number(cols.Text) == 0 || number(cols.Label) == 0
	if !header {
		i := number(cols.Label) - 1
		header = i < len(first) && slices.Contains([]string{"label", "sentiment"}, strings.ToLower(strings.TrimSpace(first[i])))
	}
	find := func(col, what string) (int, error) {
		if n := number(col); n > 0 {
			if n > len(first) {
				return 0, fmt.Errorf("%s column %d: the first line has %d fields", what, n, len(first))
			}
			return n - 1, nil
		}
		i := slices.IndexFunc(first, func(h string) bool {
			return strings.EqualFold(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")), strings.TrimSpace(col))
		})
		if i < 0 {
			return 0, fmt.Errorf("%s column %q: not in the header %q", what, col, first)
		}
		return i, nil
	}
	if text, err = find(cols.Text, "text"); err == nil {
		label, err = find(cols.Label, "label")
	}
	if err == nil && text == label {
		err = fmt.Errorf("the text and the label are the same column (%d)", text+1)
	}
	return text, label, header, err
}

// labelled makes a dataset of rows, class ids following labelSet's order,
// and checks its classes (checkClasses's what).
func labelled(rows []tsvRow, name, what string) (*Dataset, error) {
	d := &Dataset{Labels: labelSet(rows)}
	ids := make(map[string]int, len(d.Labels))
	for i, l := range d.Labels {
		ids[l] = i
	}
	for _, row := range rows {
		d.add(Example{Label: ids[row.label], Source: name}, row.text, row.line)
	}
	if err := d.checkClasses(name, what); err != nil {
		return nil, err
	}
	return d, nil
}
