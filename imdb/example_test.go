package imdb_test

import (
	"fmt"
	"log"

	"github.com/torchrnn/torchrnn/imdb"
)

func ExampleSample() {
	train, test, err := imdb.Sample()
	if err != nil {
		log.Fatal(err)
	}
	e := train.Examples[0]
	fmt.Println(train.Len(), test.Len(), train.Labels)
	fmt.Println(e.Source, train.Labels[e.Label], e.Rating)
	// Output:
	// 2500 1000 [neg pos]
	// aclImdb/train/neg/11_3.txt neg 3
}

func ExampleReadDir() {
	d, err := imdb.ReadDir("testdata/aclImdb", imdb.Train)
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range d.Examples {
		fmt.Printf("%s %2d %s\n", d.Labels[e.Label], e.Rating, e.Source)
	}
	// Output:
	// neg  3 testdata/aclImdb/train/neg/0_3.txt
	// neg  1 testdata/aclImdb/train/neg/2_1.txt
	// neg  2 testdata/aclImdb/train/neg/10_2.txt
	// pos  9 testdata/aclImdb/train/pos/0_9.txt
	// pos  7 testdata/aclImdb/train/pos/1_7.txt
	// pos 10 testdata/aclImdb/train/pos/11_10.txt
}

func ExampleDataset_SplitFraction() {
	d, err := imdb.Read("testdata/aclImdb", imdb.Train)
	if err != nil {
		log.Fatal(err)
	}
	train, valid, err := d.SplitFraction(0.5, 1)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(train.Len(), valid.Len())
	// Output: 3 3
}

func ExampleReadTSV() {
	d, err := imdb.ReadTSV("testdata/reviews.tsv")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(d.Labels, d.LabelIDs(), d.Examples[0].Source)
	// Output: [comedy drama thriller] [0 1 0 2] testdata/reviews.tsv:2
}
