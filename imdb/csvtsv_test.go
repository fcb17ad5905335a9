package imdb

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestReadCSV(t *testing.T) {
	d, err := Read(filepath.Join("testdata", "reviews.csv"), Train)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := d.LabelIDs(), []int{1, 0, 1, 0}; !slices.Equal(got, want) {
		t.Errorf("labels %v, want %v", got, want)
	}
	if d.Examples[2].Text != "She said \"wow\".\nThen she left." || d.Examples[2].Source != "testdata/reviews.csv:4" {
		t.Errorf("example 2: %+v", d.Examples[2])
	}
	if d.Examples[3].Source != "testdata/reviews.csv:6" || !slices.Equal(d.Labels, []string{"neg", "pos"}) {
		t.Errorf("example 3 %+v, labels %q", d.Examples[3], d.Labels)
	}
}

func TestReadTSV(t *testing.T) {
	d, err := Read(filepath.Join("testdata", "reviews.tsv"), Train)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"comedy", "drama", "thriller"}; !slices.Equal(d.Labels, want) {
		t.Errorf("labels %q, want %q", d.Labels, want)
	}
	if got, want := d.LabelIDs(), []int{0, 1, 0, 2}; !slices.Equal(got, want) {
		t.Errorf("label ids %v, want %v", got, want)
	}
	if d.Examples[2].Source != "testdata/reviews.tsv:5" {
		t.Errorf("source %q", d.Examples[2].Source)
	}
	d, err = readTSV(strings.NewReader("a\t10\nb\t2\r\nc\t-1\n"), "n.tsv")
	if err != nil || !slices.Equal(d.Labels, []string{"-1", "2", "10"}) || !slices.Equal(d.LabelIDs(), []int{2, 1, 0}) {
		t.Errorf("numeric labels: %v, %v", d, err)
	}
}

func TestCSVTSVErrors(t *testing.T) {
	for _, tc := range []struct {
		name, data, want string
		read             func(string, string) error
	}{
		{"x.csv", "", "x.csv: header: EOF", readCSVErr},
		{"x.csv", "text,label\na,b\n", `x.csv:1: header ["text" "label"] lacks a review or a sentiment column`, readCSVErr},
		{"x.csv", "review,sentiment\na,positive\nb,negative,extra\n", "x.csv: record on line 3: wrong number of fields", readCSVErr},
		{"x.csv", "review,sentiment\na,positive\n\"b,negative\n", `x.csv: parse error on line 3, column 13: extraneous or missing " in quoted-field`, readCSVErr},
		{"x.csv", "review,sentiment\na,positive\nb,neutral\n", `x.csv:3: unknown sentiment "neutral"`, readCSVErr},
		{"x.csv", "review,sentiment\n", "x.csv: no reviews", readCSVErr},
		{"x.tsv", "a\tpos\nb\n", "x.tsv:2: want 2 tab-separated fields (text, label), got 1", readTSVErr},
		{"x.tsv", "a\tpos\nb\tc\td\n", "x.tsv:2: want 2 tab-separated fields (text, label), got 3", readTSVErr},
		{"x.tsv", "a\tpos\nb\t \n", "x.tsv:2: empty label", readTSVErr},
		{"x.tsv", "text\tlabel\n\n", "x.tsv: no rows", readTSVErr},
	} {
		if err := tc.read(tc.data, tc.name); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want it to contain %q", tc.data, err, tc.want)
		}
	}
}

func readCSVErr(data, name string) error {
	_, err := readCSV(strings.NewReader(data), name)
	return err
}
func readTSVErr(data, name string) error {
	_, err := readTSV(strings.NewReader(data), name)
	return err
}

func TestCSVWarnings(t *testing.T) {
	d, err := readCSV(strings.NewReader("review,sentiment\n\"\",positive\n\"ok \xff\",negative\n"), "w.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Warnings) != 2 || d.Warnings[0].String() != "w.csv:2: empty review skipped" ||
		!strings.HasPrefix(d.Warnings[1].String(), "w.csv:3: 1 invalid UTF-8 byte(s)") || d.Len() != 1 {
		t.Errorf("warnings %v, examples %+v", d.Warnings, d.Examples)
	}
}
