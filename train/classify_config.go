package train

import (
	"flag"
	"fmt"

	"github.com/torchrnn/torchrnn/imdb"
)

// classifySettings are Config's settings for -task classify's tables. Its
// -train, -dev and -test files are tagSettings' (the flags are shared).
type classifySettings struct {
	TextColumn  string `json:"text_column,omitempty"`  // classify: the text column of a CSV/TSV, by header name or number from 1
	LabelColumn string `json:"label_column,omitempty"` // classify: the label column
}

func (c *Config) registerClassifyFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.TextColumn, "text-column", c.TextColumn, "classify: the text column of -data or -train/-dev/-test CSV and TSV files, by header name or number from 1 (with -label-column); empty: the file's own layout (review,sentiment CSV; text<TAB>label TSV)")
	fs.StringVar(&c.LabelColumn, "label-column", c.LabelColumn, "classify: the label column, by header name or number from 1 (with -text-column)")
}

// columns is the table columns the flags pick.
func (c Config) columns() imdb.Columns {
	return imdb.Columns{Text: c.TextColumn, Label: c.LabelColumn}
}

// validateClassify checks the classifier's data flags, naming them.
func (c Config) validateClassify() error {
	switch {
	case c.TrainFile == "" && (c.DevFile != "" || c.TestFile != ""):
		return fmt.Errorf("-dev and -test need -train")
	case c.TrainFile != "" && (c.Data != "" || c.Download):
		return fmt.Errorf("-train %s and -data %s: give one (-train with -dev and -test, or -data)", c.TrainFile, c.Data)
	case (c.TextColumn == "") != (c.LabelColumn == ""):
		return fmt.Errorf("-text-column %q and -label-column %q: give both or neither", c.TextColumn, c.LabelColumn)
	}
	for _, f := range []struct{ flag, v string }{{"text-column", c.TextColumn}, {"label-column", c.LabelColumn}} {
		if f.v != "" {
			if err := (imdb.Columns{Text: f.v, Label: f.v}).Check(); err != nil {
				return fmt.Errorf("-%s %s: columns count from 1", f.flag, f.v)
			}
		}
	}
	if c.TextColumn != "" && c.TextColumn == c.LabelColumn {
		return fmt.Errorf("-text-column and -label-column are both %s", c.TextColumn)
	}
	return nil
}
