// Package train runs torchrnn's training jobs: the sentiment classifier and
// the language model share its epoch loop, checkpoints, resume and
// guardrails, and write a run folder (package rundir) with progress and
// curves from package report. Stepper is the training step (backward,
// clip, optimizer step) that package study and the benchmarks share.
package train

import (
	"flag"
	"fmt"
	"math"
	"path/filepath"
	"strings"

	"github.com/torchrnn/torchrnn/rundir"
)

// Config is how to train: data, optimisation and run settings. The model's
// shape is lstm.Config. A zero field means its default, except the booleans,
// whose defaults are set by DefaultConfig and RegisterFlags.
type Config struct {
	Task        string  `json:"task"`                 // classify or lm
	Data        string  `json:"data"`                 // classify: aclImdb folder or archive, .csv or .tsv; "" = built-in sample
	Download    bool    `json:"download"`             // classify: fetch the full IMDB into Data (or ./data)
	Tokenizer   string  `json:"tokenizer"`            // classify: imdb, whitespace or chars
	Text        string  `json:"text"`                 // lm: a UTF-8 text file; "" = built-in tiny shakespeare
	Level       string  `json:"level"`                // lm: char or word
	BPTT        int     `json:"bptt"`                 // lm: window length of truncated backpropagation
	Epochs      int     `json:"epochs"`               // epochs to train
	Batch       int     `json:"batch"`                // examples (or streams) per batch
	LR          float64 `json:"lr"`                   // learning rate
	Optimizer   string  `json:"optimizer"`            // adam or sgd
	WeightDecay float64 `json:"weight_decay"`         // L2 penalty
	Clip        float64 `json:"clip"`                 // max gradient norm; 0, negative or +Inf (stored as -1): no clipping
	MaxLen      int     `json:"max_len"`              // classify: tokens kept per text; negative: all
	Truncate    string  `json:"truncate"`             // classify: keep the head or the tail of longer texts
	MinFreq     int     `json:"min_freq"`             // drop rarer tokens from the vocabulary
	MaxVocab    int     `json:"max_vocab"`            // vocabulary size cap, specials included; 0: none
	Bucket      bool    `json:"bucket"`               // batch texts of similar length
	Valid       float64 `json:"valid"`                // validation share of the training data, in (0, 1)
	Seed        int64   `json:"seed"`                 // seeds the split, the batches and libtorch
	Device      string  `json:"device"`               // auto, cpu, cuda or cuda:N
	Strategy    string  `json:"strategy"`             // auto, packed or padded
	Threads     int     `json:"threads"`              // libtorch threads; 0: the best measured for the strategy
	ReadEvery   int     `json:"read_every,omitempty"` // training batches summed on the device between reads of loss and accuracy; 0: 50 on a GPU, 1 on the CPU
	Out         string  `json:"out"`                  // run folder; "" = runs/<task>-<time>
	DryRun      bool    `json:"dry_run"`              // one batch per phase
	Patience    int     `json:"patience"`             // stop after this many epochs without a better validation score; 0: never

	tagSettings      // -task tag: files, format, tag column, character features (tag_config.go)
	classifySettings // -task classify: table columns; its -train/-dev/-test are tagSettings' (classify_config.go)
	embedSettings    // pretrained word vectors (embeddings.go)
	initSettings     // -task classify: start from a language model run (initfrom.go)
	docSettings      // -task lm: documents from folders and archives (lm_docs.go)
	sampledSettings  // -task lm: a sampled softmax for large vocabularies (lm_sampled.go)
	seq2seqSettings  // -task seq2seq: parallel files, teacher forcing, beam search (seq2seq_config.go)
	distSettings     // data-parallel ranks (dist.go)
	recipeSettings   // learning-rate annealing, the score kept, the classifier's recipe (recipe_config.go)
	ensembleSettings // -task classify: several models, their probabilities averaged (ensemble.go)
}

// DefaultConfig returns the defaults for task.
//
// The classifier keeps up to 800 tokens of a text (the 95th percentile of
// IMDB's training reviews is 610), trains up to 10 epochs, divides the
// learning rate by 4 after an epoch without a better validation score, and
// feeds a training word seen n times as <unk> with probability 2/(2+n)
// (word dropout): on the full IMDB, 89.15% test in 12m30s on 2 cores where
// the earlier defaults (400 tokens, 8 epochs, neither) gave 88.37-89.04%
// (BENCHMARKS.md, "Classifier defaults"). The recipe (recipe.go) changes
// them for small data sets, and trains two such models as an ensemble
// (-members, ensemble.go) for large ones.
func DefaultConfig(task string) Config {
	c := Config{Task: task, Tokenizer: "imdb", Level: "char", BPTT: 100, Epochs: 8, Batch: 32,
		LR: 2e-3, Optimizer: "adam", Clip: 5, MaxLen: 400, Truncate: "tail", MinFreq: 2,
		Bucket: true, Valid: 0.2, Seed: 1, Device: "auto", Strategy: "auto", Patience: 3}
	if task == "classify" {
		c.Adapt, c.Select, c.ClassWeights = true, "acc", "none"
		c.MaxLen, c.Epochs, c.Anneal, c.WordDropout = 800, 10, 4, 2
	}
	if task == "lm" {
		c.Batch, c.Epochs, c.LR, c.MinFreq, c.Valid, c.Anneal = 64, 15, 2e-3, 1, 0.1, 4
	}
	if task == "tag" {
		c.tagDefaults()
	}
	if task == "seq2seq" {
		c.seq2seqDefaults()
	}
	return c
}

// RegisterFlags binds c's fields to flags of fs, with c's values as defaults.
func (c *Config) RegisterFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.Task, "task", c.Task, "what to train: classify (sentiment), lm (language model), tag (sequence labelling) or seq2seq (translation)")
	fs.StringVar(&c.Data, "data", c.Data, "classify: an aclImdb folder, aclImdb_v1.tar.gz/.tar.xz, a CSV (review,sentiment) or a TSV (text<TAB>label); empty: the built-in IMDB sample")
	fs.BoolVar(&c.Download, "download", c.Download, "classify: download the full IMDB (84 MB) into -data (default ./data) first")
	fs.StringVar(&c.Tokenizer, "tokenizer", c.Tokenizer, "classify: imdb (the seed notebook's), whitespace or chars")
	fs.StringVar(&c.Text, "text", c.Text, "lm: a UTF-8 text file; or folders and tar archives of documents (comma-separated; -text-files picks the files; at word level tokenized by -tokenizer); empty: the built-in tiny shakespeare")
	fs.StringVar(&c.Level, "level", c.Level, "lm: char or word")
	fs.IntVar(&c.BPTT, "bptt", c.BPTT, "lm: steps per truncated-backpropagation window")
	fs.IntVar(&c.Epochs, "epochs", c.Epochs, "epochs to train")
	fs.IntVar(&c.Batch, "batch", c.Batch, "batch size")
	fs.Float64Var(&c.LR, "lr", c.LR, "learning rate")
	fs.StringVar(&c.Optimizer, "optimizer", c.Optimizer, "adam or sgd")
	fs.Float64Var(&c.WeightDecay, "weight-decay", c.WeightDecay, "L2 weight decay")
	fs.Float64Var(&c.Clip, "clip", c.Clip, "clip the gradient norm to this; 0, negative or Inf: no clipping")
	fs.IntVar(&c.MaxLen, "max-len", c.MaxLen, "classify: tokens kept per text; negative: all")
	fs.StringVar(&c.Truncate, "truncate", c.Truncate, "classify: keep the head or the tail of longer texts")
	fs.IntVar(&c.MinFreq, "min-freq", c.MinFreq, "drop tokens seen fewer times from the vocabulary")
	fs.IntVar(&c.MaxVocab, "max-vocab", c.MaxVocab, "cap the vocabulary at this many ids; 0: no cap")
	fs.BoolVar(&c.Bucket, "bucket", c.Bucket, "batch texts of similar length (less padding)")
	fs.Float64Var(&c.Valid, "valid", c.Valid, "share of the training data held out for validation, in (0, 1)")
	fs.Int64Var(&c.Seed, "seed", c.Seed, "random seed")
	fs.StringVar(&c.Device, "device", c.Device, "auto, cpu, cuda or cuda:N")
	fs.StringVar(&c.Strategy, "strategy", c.Strategy, "how variable lengths run: auto (padded; on CUDA packed for tasks other than classify), packed or padded")
	fs.IntVar(&c.Threads, "threads", c.Threads, "libtorch CPU threads; 0: 1 for padded, all cores for packed (fastest measured)")
	fs.IntVar(&c.ReadEvery, "read-every", c.ReadEvery, "training batches whose loss and accuracy are summed on the device between reads (on a GPU each read waits for it); 0: 50 on a GPU, 1 on the CPU; 1: every batch (a diverging loss named to its batch)")
	fs.StringVar(&c.Out, "out", c.Out, "run folder to write; empty: runs/<task>-<date>-<time>")
	fs.BoolVar(&c.DryRun, "dry-run", c.DryRun, "run one batch per phase and stop (a quick check)")
	fs.IntVar(&c.Patience, "patience", c.Patience, "stop after this many epochs without a better validation score; 0: never")
	c.registerTagFlags(fs)
	c.registerClassifyFlags(fs)
	c.registerEmbedFlags(fs)
	c.registerInitFlags(fs)
	c.registerDocFlags(fs)
	c.registerSampledFlags(fs)
	c.registerSeq2SeqFlags(fs)
	c.registerDistFlags(fs)
	c.registerRecipeFlags(fs)
	c.registerEnsembleFlags(fs)
}

// Validate reports the first setting out of range, naming its flag.
func (c Config) Validate() error {
	switch {
	case c.Task != "classify" && c.Task != "lm" && c.Task != "tag" && c.Task != "seq2seq":
		return bad("task", c.Task, "want classify, lm, tag or seq2seq")
	case !(c.WordDropout >= 0 && c.WordDropout <= 1e6):
		return bad("word-dropout", c.WordDropout, "must be 0 (none) or a positive number up to 1e6")
	case !(c.LRFinal >= 0 && c.LRFinal <= 1):
		return bad("lr-final", c.LRFinal, "must be in [0, 1] (0 or 1: constant)")
	case c.Task == "seq2seq" && c.validateSeq2Seq() != nil:
		return c.validateSeq2Seq()
	case c.Task == "tag" && c.validateTag() != nil:
		return c.validateTag()
	case c.Task == "classify" && c.validateClassify() != nil:
		return c.validateClassify()
	case c.validateEmbed() != nil:
		return c.validateEmbed()
	case c.validateInit(c.Task) != nil:
		return c.validateInit(c.Task)
	case c.Task == "lm" && c.Data != "":
		return fmt.Errorf("-data %s: -task lm reads its text from -text (a text file, or folders and archives of documents)", c.Data)
	case c.validateDocs(c.Task) != nil:
		return c.validateDocs(c.Task)
	case c.validateSampled(c.Task) != nil:
		return c.validateSampled(c.Task)
	case c.InitFrom != "" && c.Embeddings != "":
		return fmt.Errorf("-embeddings %s and -init-from %s: give one (both set the embedding)", c.Embeddings, c.InitFrom)
	case c.validateDist() != nil:
		return c.validateDist()
	case c.validateRecipe() != nil:
		return c.validateRecipe()
	case c.validateEnsemble() != nil:
		return c.validateEnsemble()
	}
	return c.validateCommon()
}

// bad is the error of a flag given a value it does not take.
func bad(flag string, v any, want string) error {
	return fmt.Errorf("-%s %v: %s", flag, v, want)
}

// validateCommon checks the flags every task reads.
func (c Config) validateCommon() error {
	switch {
	case !validTokenizer(c.Tokenizer):
		return bad("tokenizer", c.Tokenizer, "want imdb, whitespace, fields or chars")
	case c.Level != "char" && c.Level != "word":
		return bad("level", c.Level, "want char or word")
	case c.BPTT < 2:
		return bad("bptt", c.BPTT, "must be at least 2")
	case c.Epochs < 1:
		return bad("epochs", c.Epochs, "must be at least 1")
	case c.Batch < 1:
		return bad("batch", c.Batch, "must be at least 1")
	case !(c.LR > 0) || math.IsInf(c.LR, 0):
		return bad("lr", c.LR, "must be positive")
	case c.Optimizer != "adam" && c.Optimizer != "sgd":
		return bad("optimizer", c.Optimizer, "want adam or sgd")
	case !(c.WeightDecay >= 0) || math.IsInf(c.WeightDecay, 0):
		return bad("weight-decay", c.WeightDecay, "must be 0 or positive and finite")
	case math.IsNaN(c.Clip):
		return bad("clip", c.Clip, "must be a number (0, negative or Inf: no clipping)")
	case c.Truncate != "head" && c.Truncate != "tail":
		return bad("truncate", c.Truncate, "want head or tail")
	case c.MaxLen == 0:
		return bad("max-len", c.MaxLen, "must be positive (or negative for no limit)")
	case c.MinFreq < 1:
		return bad("min-freq", c.MinFreq, "must be at least 1")
	case c.MaxVocab < 0 || c.MaxVocab == 1 || c.MaxVocab == 2:
		return bad("max-vocab", c.MaxVocab, "must be 0 (no cap) or at least 3")
	case !(c.Valid > 0 && c.Valid < 1):
		return bad("valid", c.Valid, "must be in (0, 1)")
	case c.Strategy != "auto" && c.Strategy != "packed" && c.Strategy != "padded":
		return bad("strategy", c.Strategy, "want auto, packed or padded")
	case c.Threads < 0:
		return bad("threads", c.Threads, "must not be negative")
	case c.ReadEvery < 0:
		return bad("read-every", c.ReadEvery, "must not be negative")
	case c.Patience < 0:
		return bad("patience", c.Patience, "must not be negative")
	case !validDevice(c.Device):
		return bad("device", c.Device, "want auto, cpu, cuda or cuda:N")
	}
	return nil
}

// absPaths makes c's data paths absolute, so that config.json names the
// same files from any working directory (-resume).
func (c *Config) absPaths() error {
	for _, p := range []*string{&c.Data, &c.Text, &c.TrainFile, &c.DevFile, &c.TestFile, &c.Src, &c.Tgt, &c.InitFrom} {
		if *p == "" || strings.HasPrefix(*p, "toy:") {
			continue
		}
		paths := strings.Split(*p, ",") // -text may name several
		for i, path := range paths {
			abs, err := filepath.Abs(path)
			if err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			paths[i] = abs
		}
		*p = strings.Join(paths, ",")
	}
	return nil
}

// normalized returns c as config.json stores it: a clip of ±Inf (never
// clip) becomes -1, which means the same and JSON can hold.
func (c Config) normalized() Config {
	if math.IsInf(c.Clip, 0) {
		c.Clip = -1
	}
	return c
}

// text is how the run turns text into tokens, as config.json records it.
func (c Config) text() rundir.Text {
	return rundir.Text{Tokenizer: c.Tokenizer, Level: c.Level, MaxLen: c.MaxLen, Truncate: c.Truncate, Documents: c.Documents}
}

func validTokenizer(name string) bool {
	_, err := rundir.Tokenizer(name)
	return err == nil
}

func validDevice(s string) bool {
	if s == "auto" || s == "cpu" || s == "cuda" {
		return true
	}
	var n int
	_, err := fmt.Sscanf(s, "cuda:%d", &n)
	return err == nil && n >= 0 && strings.Count(s, ":") == 1
}
