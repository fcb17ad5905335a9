package imdb

import "testing"

func TestSample(t *testing.T) {
	train, test, err := Sample()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		d    *Dataset
		want int
	}{{train, SampleTrain}, {test, SampleTest}} {
		if tc.d.Len() != tc.want || len(tc.d.Warnings) != 0 {
			t.Errorf("%d examples, %d warnings; want %d, 0", tc.d.Len(), len(tc.d.Warnings), tc.want)
		}
		pos := 0
		for _, e := range tc.d.Examples {
			pos += e.Label
			if e.Text == "" || (e.Label == 1) != (e.Rating >= 7) {
				t.Fatalf("bad example %+v", e)
			}
		}
		if pos != tc.want/2 {
			t.Errorf("%d positive of %d", pos, tc.want)
		}
	}
}

func BenchmarkSample(b *testing.B) {
	for b.Loop() {
		if _, _, err := Sample(); err != nil {
			b.Fatal(err)
		}
	}
}
