package imdb

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func tableFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// A TSV with an id column, as SemEval's "id<TAB>label<TAB>text", read by
// column numbers (no header) and by header names; a CSV by names.
func TestReadTableColumns(t *testing.T) {
	rows := "17\tpositive\tgreat day\n18\tneutral\tit rains\n\n19\tnegative\tawful, \"really\"\n20\tpositive\tyes\n"
	for _, tc := range []struct {
		name, file string
		cols       Columns
	}{
		{"numbers", tableFile(t, "a.tsv", rows), Columns{Text: "3", Label: "2"}},
		{"numbers, header", tableFile(t, "b.tsv", "id\tlabel\ttweet\n"+rows), Columns{Text: "3", Label: "2"}},
		{"names", tableFile(t, "c.tsv", "ID\tSentiment\tTweet\n"+rows), Columns{Text: "tweet", Label: "sentiment"}},
		{"csv", tableFile(t, "d.csv", "id,label,text\n17,positive,great day\n18,neutral,it rains\n19,negative,\"awful, \"\"really\"\"\"\n20,positive,yes\n"),
			Columns{Text: "text", Label: "label"}},
	} {
		d, err := ReadTable(tc.file, tc.cols)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if want := []string{"negative", "neutral", "positive"}; !slices.Equal(d.Labels, want) {
			t.Errorf("%s: labels %q, want %q", tc.name, d.Labels, want)
		}
		if got, want := d.LabelIDs(), []int{2, 1, 0, 2}; !slices.Equal(got, want) {
			t.Errorf("%s: label ids %v, want %v", tc.name, got, want)
		}
		if d.Examples[2].Text != `awful, "really"` {
			t.Errorf("%s: text %q", tc.name, d.Examples[2].Text)
		}
	}
	d, _ := ReadTable(tableFile(t, "e.tsv", rows), Columns{Text: "3", Label: "2"})
	if src := d.Examples[2].Source; !strings.HasSuffix(src, "e.tsv:4") {
		t.Errorf("source %q, want e.tsv:4 (blank line 3 skipped)", src)
	}
}

func TestReadTableErrors(t *testing.T) {
	good := "id\tlabel\ttext\n1\tpos\ta\n2\tneg\tb\n"
	for _, tc := range []struct {
		name, file string
		cols       Columns
		want       string
	}{
		{"unknown name", tableFile(t, "a.tsv", good), Columns{Text: "tweet", Label: "label"}, `a.tsv:1: text column "tweet": not in the header`},
		{"beyond the fields", tableFile(t, "b.tsv", good), Columns{Text: "4", Label: "2"}, "b.tsv:1: text column 4: the first line has 3 fields"},
		{"short row", tableFile(t, "c.tsv", good+"3\tpos\n"), Columns{Text: "3", Label: "2"}, "c.tsv:4: 2 fields, the first line has 3"},
		{"empty label", tableFile(t, "d.tsv", good+"3\t \tc\n"), Columns{Text: "text", Label: "label"}, "d.tsv:4: empty label (column 2)"},
		{"same column", tableFile(t, "e.tsv", good), Columns{Text: "2", Label: "label"}, "same column (2)"},
		{"column 0", tableFile(t, "f.tsv", good), Columns{Text: "0", Label: "2"}, "columns count from 1"},
		{"one column given", tableFile(t, "g.tsv", good), Columns{Text: "3"}, "want both"},
		{"one class", tableFile(t, "h.tsv", "1\tpos\ta\n"), Columns{Text: "3", Label: "2"}, "only one class"},
		{"bad csv", tableFile(t, "i.csv", "id,label,text\n1,pos,\"a\n"), Columns{Text: "3", Label: "2"}, "i.csv"},
	} {
		if _, err := ReadTable(tc.file, tc.cols); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error with %q", tc.name, err, tc.want)
		}
	}
}

// ReadSplit reads an aclImdb split folder on its own, and files by
// extension with or without columns.
func TestReadSplit(t *testing.T) {
	whole, err := ReadDir(filepath.Join("testdata", "aclImdb"), Train)
	if err != nil {
		t.Fatal(err)
	}
	split, err := ReadSplit(filepath.Join("testdata", "aclImdb", "train"), Columns{})
	if err != nil {
		t.Fatal(err)
	}
	if split.Len() != whole.Len() || !slices.Equal(split.LabelIDs(), whole.LabelIDs()) || !slices.Equal(split.Labels, []string{"neg", "pos"}) {
		t.Errorf("split folder: %d examples %q, the whole folder's train split %d", split.Len(), split.Labels, whole.Len())
	}
	if d, err := ReadSplit(filepath.Join("testdata", "reviews.tsv"), Columns{}); err != nil || d.Len() != 4 {
		t.Errorf("tsv: %v", err)
	}
	if _, err := ReadSplit(filepath.Join("testdata", "aclImdb", "README"), Columns{}); err == nil || !strings.Contains(err.Error(), "want a .csv or .tsv file") {
		t.Errorf("other file: %v", err)
	}
}

// Relabel maps a split's classes onto the training split's: a dev file
// holding two of three classes gets the training ids.
func TestRelabel(t *testing.T) {
	dev, err := ReadTable(tableFile(t, "dev.tsv", "1\tpositive\ta\n2\tneutral\tb\n"), Columns{Text: "3", Label: "2"})
	if err != nil {
		t.Fatal(err)
	}
	train := []string{"negative", "neutral", "positive"}
	if err := dev.Relabel(train); err != nil {
		t.Fatal(err)
	}
	if got := dev.LabelIDs(); !slices.Equal(got, []int{2, 1}) || !slices.Equal(dev.Labels, train) {
		t.Errorf("ids %v labels %q", got, dev.Labels)
	}
	dev, _ = ReadTable(dev.Examples[0].Source[:len(dev.Examples[0].Source)-2], Columns{Text: "3", Label: "2"})
	err = dev.Relabel([]string{"neutral", "positive-ish"})
	if err == nil || !strings.Contains(err.Error(), `label "positive"`) || !strings.Contains(err.Error(), "dev.tsv:1") {
		t.Errorf("unknown label: %v", err)
	}
}
