package lstm

import (
	"errors"
	"testing"

	"github.com/sugarme/gotch"
)

// NumParams counts what the constructors allocate.
func TestNumParamsMatchesModels(t *testing.T) {
	for _, cell := range []Cell{RNNTanh, LSTM, GRU} {
		for _, bi := range []bool{false, true} {
			for _, layers := range []int{1, 3} {
				c := Config{Vocab: 11, Embed: 5, Hidden: 7, Layers: layers, Cell: cell, Bidirectional: bi, Pooling: Max, Head: 6, Classes: 3}
				m, err := NewClassifier(c, gotch.CPU)
				if err != nil {
					t.Fatal(err)
				}
				checkCount(t, c, ClassifierHead, m.Params)
				c.Chars, c.CharEmbed, c.CharHidden, c.CRF = 9, 4, 3, true
				tg, err := NewTagger(c, gotch.CPU)
				if err != nil {
					t.Fatal(err)
				}
				checkCount(t, c, TaggerHead, tg.Params)
				if !bi {
					c.Chars, c.Tie, c.Embed = 0, layers == 1, 7
					lm, err := NewLM(c, gotch.CPU)
					if err != nil {
						t.Fatal(err)
					}
					checkCount(t, c, LMHead, lm.Params)
				}
			}
		}
	}
}

func checkCount(t *testing.T, c Config, head Head, p *Params) {
	t.Helper()
	n, err := c.NumParams(head)
	if err != nil {
		t.Fatal(err)
	}
	if want := p.Count(); n != want {
		t.Errorf("%+v head %d: NumParams %d, the model has %d", c, head, n, want)
	}
}

func TestNumParamsOverflowNamesTheField(t *testing.T) {
	base := Config{Vocab: 30, Embed: 64, Hidden: 96, Layers: 1, Cell: LSTM, Pooling: Max, Head: 64, Classes: 2}
	for field, edit := range map[string]func(*Config){
		"hidden": func(c *Config) { c.Hidden = 1 << 62 },
		"embed":  func(c *Config) { c.Embed = 1<<63 - 1 },
		"layers": func(c *Config) { c.Layers = 1 << 62 },
		"head":   func(c *Config) { c.Head = 1 << 62 },
	} {
		c := base
		edit(&c)
		var ce *ConfigError
		if err := c.Validate(); !errors.As(err, &ce) || ce.Field != field {
			t.Errorf("%s: Validate() = %v, want a ConfigError on %s", field, err, field)
		}
	}
}
