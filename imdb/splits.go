package imdb

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// ReadSplit reads one split given on its own: a CSV or TSV file (ReadCSV
// and ReadTSV, or ReadTable when cols picks columns), or a folder holding
// neg/ and pos/ folders of aclImdb review files (such as aclImdb/train).
func ReadSplit(path string, cols Columns) (*Dataset, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("imdb: read %w (pass a .csv or .tsv file, or a folder with neg/ and pos/ folders)", err)
	}
	ext := strings.ToLower(filepath.Ext(path))
	switch {
	case st.IsDir():
		abs, err := filepath.Abs(path)
		if err != nil {
			return nil, fmt.Errorf("imdb: read %w", err)
		}
		return ReadDir(filepath.Dir(abs), Split(filepath.Base(abs)))
	case !cols.IsZero() && (ext == ".csv" || ext == ".tsv"):
		return ReadTable(path, cols)
	case ext == ".csv":
		return ReadCSV(path)
	case ext == ".tsv":
		return ReadTSV(path)
	}
	return nil, fmt.Errorf("imdb: read %s: want a .csv or .tsv file, or a folder with neg/ and pos/ folders", path)
}

// Relabel renumbers d's classes as indices into labels (the training
// split's classes), which d.Labels then is. A class of d that labels
// lacks is an error naming it and where it first occurs.
func (d *Dataset) Relabel(labels []string) error {
	ids := make([]int, len(d.Labels))
	for i, l := range d.Labels {
		if ids[i] = slices.Index(labels, l); ids[i] < 0 {
			where := ""
			if j := slices.IndexFunc(d.Examples, func(e Example) bool { return e.Label == i }); j >= 0 {
				where = " (first at " + d.Examples[j].Source + ")"
			}
			return fmt.Errorf("imdb: label %q%s is not one of the training labels %q", l, where, labels)
		}
	}
	for i := range d.Examples {
		d.Examples[i].Label = ids[d.Examples[i].Label]
	}
	d.Labels = slices.Clone(labels)
	return nil
}
