package imdb

import (
	"io"
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
	d, err := readCSV(strings.NewReader("review,sentiment\n\"\",positive\n\"ok \xff\",negative\ngood,positive\n"), "w.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Warnings) != 2 || d.Warnings[0].String() != "w.csv:2: empty review skipped" ||
		!strings.HasPrefix(d.Warnings[1].String(), "w.csv:3: 1 invalid UTF-8 byte(s)") || d.Len() != 2 {
		t.Errorf("warnings %v, examples %+v", d.Warnings, d.Examples)
	}
}

// TestWarningSummary reads each table format with invalid UTF-8 and empty
// rows and checks the one-line summary counts them and names the first.
func TestWarningSummary(t *testing.T) {
	for _, tc := range []struct {
		name, data string
		read       func(io.Reader, string) (*Dataset, error)
		want       string
	}{
		{"s.csv", "review,sentiment\nfine,positive\n\" \",negative\nok \xff,negative\n\"\",positive\nb\xfe\xfd,positive\n",
			readCSV, "imdb: 2 texts with invalid UTF-8 replaced by U+FFFD (first at s.csv:4); 2 empty texts dropped (first at s.csv:3)"},
		{"s.tsv", "a\tx\n \tx\nb\ty\n\xff\ty\n",
			readTSV, "imdb: 1 text with invalid UTF-8 replaced by U+FFFD (at s.tsv:4); 1 empty text dropped (at s.tsv:2)"},
		{"c.csv", "review,sentiment\nfine,positive\nbad,negative\n", readCSV, ""},
	} {
		d, err := tc.read(strings.NewReader(tc.data), tc.name)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := d.WarningSummary(); got != tc.want {
			t.Errorf("%s: summary\n%q\nwant\n%q", tc.name, got, tc.want)
		}
	}
}

// A table whose rows all carry one class, or whose only rows of a class are
// empty, cannot train a classifier: an error naming the file.
func TestTableClasses(t *testing.T) {
	for _, tc := range []struct {
		name, data, want string
		read             func(string, string) error
	}{
		{"one.csv", "review,sentiment\ngood,positive\nfine,pos\n", `imdb: read one.csv: no rows of class "neg" (each class needs at least one non-empty text)`, readCSVErr},
		{"emptyneg.csv", "review,sentiment\ngood,positive\n\" \",negative\n", `imdb: read emptyneg.csv: no rows of class "neg"`, readCSVErr},
		{"one.tsv", "a\tx\nb\tx\n", `imdb: read one.tsv: only one class, "x": a classifier needs at least two`, readTSVErr},
		{"empty.tsv", "a\tx\n \ty\n", `imdb: read empty.tsv: no non-empty rows labelled "y"`, readTSVErr},
	} {
		if err := tc.read(tc.data, tc.name); err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
}
