package imdb

import (
	"bytes"
	"testing"
)

// FuzzReadTable reads arbitrary bytes as a CSV or TSV with fuzzed column
// choices (names or numbers).
func FuzzReadTable(f *testing.F) {
	f.Add([]byte("id\tlabel\ttext\n1\tpos\ta\n2\tneg\tb\n"), "3", "2", false)
	f.Add([]byte("id,label,text\n1,pos,\"a, b\"\n2,neg,c\n"), "text", "label", true)
	f.Fuzz(func(t *testing.T, data []byte, text, label string, isCSV bool) {
		cols := Columns{Text: text, Label: label}
		if cols.Check() != nil {
			return
		}
		next := tsvLines(bytes.NewReader(data), "f.tsv")
		if isCSV {
			next = csvLines(bytes.NewReader(data), "f.csv")
		}
		d, err := readTable(next, "f", cols)
		checkDataset(t, d, err)
	})
}
