package imdb

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// ReadCSV reads a CSV file with a header naming a "review" and a
// "sentiment" column (any order, any case, other columns ignored), like
// the Kaggle "IMDB Dataset.csv". Sentiments positive, pos or 1 are class
// 1 ("pos"); negative, neg or 0 are class 0 ("neg"), in any case. Rows
// keep the file order; sources are "file:line". A file without a
// non-empty row of each class is an error.
func ReadCSV(path string) (*Dataset, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("imdb: read %w", err)
	}
	defer f.Close()
	return readCSV(f, path)
}

// sentimentNames maps the accepted sentiment spellings to class ids.
var sentimentNames = map[string]int{"negative": 0, "neg": 0, "0": 0, "positive": 1, "pos": 1, "1": 1}

func readCSV(r io.Reader, name string) (*Dataset, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("imdb: read %s: header: %w", name, err)
	}
	col := func(want string) int {
		return slices.IndexFunc(header, func(h string) bool {
			return strings.EqualFold(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")), want)
		})
	}
	text, label := col("review"), col("sentiment")
	if text < 0 || label < 0 {
		return nil, fmt.Errorf("imdb: %s:1: header %q lacks a review or a sentiment column", name, header)
	}
	d := &Dataset{Labels: slices.Clone(sentiments)}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("imdb: read %s: %w", name, err)
		}
		line, _ := cr.FieldPos(label)
		id, ok := sentimentNames[strings.ToLower(strings.TrimSpace(rec[label]))]
		if !ok {
			return nil, fmt.Errorf("imdb: %s:%d: unknown sentiment %q (want positive or negative)", name, line, rec[label])
		}
		line, _ = cr.FieldPos(text)
		d.add(Example{Label: id, Source: name}, rec[text], line)
	}
	if len(d.Examples) == 0 {
		return nil, fmt.Errorf("imdb: read %s: no reviews", name)
	}
	if err := d.checkClasses(name, "rows of class %q"); err != nil {
		return nil, err
	}
	return d, nil
}
