package imdb

import (
	"strings"
	"testing"
)

// TestFullArchive reads both splits of the real archive in one pass.
func TestFullArchive(t *testing.T) {
	path := sharedArchive(t)
	if testing.Short() {
		t.Skip("skipping in -short mode: decompresses 108 MB")
	}
	train, test, err := ReadArchiveSplits(path)
	if err != nil {
		t.Fatal(err)
	}
	for k, d := range []*Dataset{train, test} {
		if d.Len() != 25000 || len(d.Warnings) != 0 {
			t.Fatalf("split %d: %d examples, warnings %v", k, d.Len(), d.Warnings)
		}
		for i, e := range d.Examples {
			wantLabel := i / 12500
			if e.Label != wantLabel || (e.Label == 0 && (e.Rating < 1 || e.Rating > 4)) || (e.Label == 1 && (e.Rating < 7 || e.Rating > 10)) {
				t.Fatalf("example %d: label %d rating %d (%s)", i, e.Label, e.Rating, e.Source)
			}
		}
	}
	if e := train.Examples[12500]; e.Source != "aclImdb/train/pos/0_9.txt" || !strings.HasPrefix(e.Text, "Bromwell High is a cartoon comedy.") {
		t.Errorf("first positive: %s %.40q", e.Source, e.Text)
	}
	if e := train.Examples[10]; e.Source != "aclImdb/train/neg/10_2.txt" {
		t.Errorf("train[10] = %s, want aclImdb/train/neg/10_2.txt (numeric id order)", e.Source)
	}
	tr, va, err := train.SplitFraction(DefaultValidFraction, 1)
	if err != nil || tr.Len() != 20000 || va.Len() != 5000 {
		t.Errorf("split: %v %v %v", tr.Len(), va.Len(), err)
	}
}
