package train

import (
	"flag"
	"fmt"
	"math"
)

// recipeSettings are Config's settings for the learning-rate schedule, the
// score that keeps the checkpoint, and the classifier's recipe
// (recipe.go).
type recipeSettings struct {
	// Adapt lets the classifier's recipe choose the settings that the flags
	// leave (recipe.go); false keeps DefaultConfig's and DefaultModel's.
	Adapt bool `json:"adapt,omitempty"`
	// Anneal divides the learning rate after an epoch whose validation score
	// does not beat the best (word_language_model's annealing, PyTorch's
	// ReduceLROnPlateau with patience 0); 0 or 1: never.
	Anneal float64 `json:"anneal,omitempty"`
	// Select is the validation score that keeps model.pt and stops early:
	// acc, loss or f1 (macro F1; accuracy for two classes) (classify; ""
	// is acc).
	Select string `json:"select,omitempty"`
	// ClassWeights weighs the classifier's loss per class: none, balanced
	// (class k's examples by n/(C*n_k), from the training split's counts)
	// or sqrt (the square root of balanced).
	ClassWeights string `json:"class_weights,omitempty"`
	// Recipe is what the classifier's defaults were chosen from and every
	// choice with its reason; nil before the run or in older folders.
	Recipe *Recipe `json:"recipe,omitempty"`
	// Flags is the command line the settings came from, if any: the recipe
	// leaves the flags set on it as they are. Not saved.
	Flags *flag.FlagSet `json:"-"`
}

func (c *Config) registerRecipeFlags(fs *flag.FlagSet) {
	fs.BoolVar(&c.Adapt, "adapt", c.Adapt, "classify: choose the settings the flags leave from the training data (config.json's recipe says what and why); false: the fixed defaults")
	fs.Float64Var(&c.Anneal, "anneal", c.Anneal, "classify, lm: divide the learning rate by this after an epoch without a better validation score; 0 or 1: never (classify: the default depends on the data)")
	fs.StringVar(&c.ClassWeights, "class-weights", c.ClassWeights, "classify: weigh the loss per class: none, balanced (n/(classes*n_k) from the training counts) or sqrt (its square root) (the default depends on the data)")
	fs.StringVar(&c.Select, "select", c.Select, "classify: the validation score that keeps model.pt and stops early: acc, loss or f1 (macro F1 of more than two classes; two: acc) (the default depends on the data)")
}

// validateRecipe checks the schedule and selection flags, naming them.
func (c Config) validateRecipe() error {
	switch {
	case !(c.Anneal == 0 || c.Anneal >= 1) || math.IsInf(c.Anneal, 0):
		return fmt.Errorf("-anneal %v: must be 0 (never) or at least 1, and finite", c.Anneal)
	case c.Anneal > 1 && (c.Task == "tag" || c.Task == "seq2seq"):
		return fmt.Errorf("-anneal %v: only for classify and lm (-task %s follows -lr-final)", c.Anneal, c.Task)
	case c.ClassWeights != "" && c.ClassWeights != "none" && c.ClassWeights != "balanced" && c.ClassWeights != "sqrt":
		return fmt.Errorf("-class-weights %q: want none, balanced or sqrt", c.ClassWeights)
	case c.Select != "" && c.Select != "acc" && c.Select != "loss" && c.Select != "f1":
		return fmt.Errorf("-select %q: want acc, loss or f1", c.Select)
	}
	return nil
}

// classWeights is the loss weight of each of classes classes under
// cfg.ClassWeights, from the training labels; nil for none.
func classWeights(mode string, labels []int, classes int) []float32 {
	if mode != "balanced" && mode != "sqrt" {
		return nil
	}
	n := make([]int, classes)
	for _, l := range labels {
		if l >= 0 && l < classes {
			n[l]++
		}
	}
	w := make([]float32, classes)
	for k, nk := range n {
		w[k] = 1 // a class absent from the training split
		if nk > 0 {
			b := float64(len(labels)) / float64(classes*nk)
			if mode == "sqrt" {
				b = math.Sqrt(b)
			}
			w[k] = float32(b)
		}
	}
	return w
}

// annealing reports whether -anneal divides the learning rate: a schedule
// of -lr-final, which sets every epoch's rate, replaces it.
func (c Config) annealing() bool {
	return c.Anneal > 1 && !c.scheduled()
}
