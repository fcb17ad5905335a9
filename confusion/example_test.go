package confusion_test

import (
	"fmt"
	"os"

	"github.com/torchrnn/torchrnn/confusion"
)

func Example() {
	m := confusion.New([]string{"negative", "neutral", "positive"})
	gold := []int64{0, 0, 1, 1, 2, 2, 2}
	guess := []int64{0, 1, 1, 1, 2, 2, 0}
	for i := range gold {
		_ = m.Add(gold[i], guess[i])
	}
	s := m.Scores()
	s.Write(os.Stdout, "test")
	fmt.Printf("%.4f\n", *s.PosNegF1)
	// Output:
	// test  class     precision   recall      f1  support
	// test  negative     50.00%   50.00%  0.5000        2
	// test  neutral      66.67%  100.00%  0.8000        2
	// test  positive    100.00%   66.67%  0.8000        3
	// test  macro F1 0.7000, F1 of positive and negative 0.6500
	// 0.6500
}
