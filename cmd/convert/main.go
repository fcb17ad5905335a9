// Command convert moves a model's weights between a torchrnn run folder
// and PyTorch files:
//
//	# a run's model.pt as .safetensors, for safetensors.torch.load_file
//	go run ./cmd/convert -run runs/classify-... -to model.safetensors
//
//	# a PyTorch state_dict (torch.save, .pt/.pth/.bin) or .safetensors into a
//	# new run folder shaped like runs/classify-... (config, vocabulary, text
//	# settings), which cmd/predict or cmd/generate then use
//	go run ./cmd/convert -from model.pth -run runs/classify-... -out runs/imported
//
//	# the tensors of a file: names, element types, shapes (a run's own
//	# model.pt too, a TorchScript archive read through libtorch)
//	go run ./cmd/convert -list model.pth
//
// Imports are strict by default: every tensor of the model must come from
// the file with its shape, and every tensor of the file must be used;
// otherwise convert lists each missing, unexpected and mismatched tensor
// and writes nothing. -strict=false writes what matches and reports the
// rest. Names are PyTorch's (embedding.weight, rnn.weight_ih_l0, fc1.bias;
// encoder/rnn/decoder for language models); common other module names
// (lstm., gru., module., model., embed. ...) are renamed, and -rename adds
// one's own.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"

	"github.com/torchrnn/torchrnn/weights"
)

// libtorch keeps per-thread state: torch work stays on main's thread.
func init() { runtime.LockOSThread() }

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// config is what the flags ask for.
type config struct {
	run, to, from, out, list string
	opt                      weights.Options
	dryRun                   bool
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("convert", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	fs.StringVar(&c.run, "run", "", "run folder: the model to export, or the shape, vocabulary and text settings to import into")
	fs.StringVar(&c.to, "to", "", "export: write the -run folder's model.pt to this .safetensors file")
	fs.StringVar(&c.from, "from", "", "import: a torch.save state_dict (.pt, .pth, .bin), a .safetensors file, or a run's model.pt")
	fs.StringVar(&c.out, "out", "", "import: the new run folder (must not exist or be empty): the -run folder's config and vocabulary, and model.pt from -from")
	fs.StringVar(&c.list, "list", "", "print the tensors of this torch.save or .safetensors file and exit")
	fs.BoolVar(&c.opt.Strict, "strict", true, "import: every tensor must match by name and shape (false: load what matches, report the rest)")
	fs.StringVar(&c.opt.Prefix, "prefix", "", "import: use only the file's tensors whose names start with this, without it (model. for a checkpoint {\"model\": state_dict, ...})")
	rename := fs.String("rename", "", "import: renames FROM=TO,... tried before the common ones (lstm.=rnn., module.=, ...)")
	fs.BoolVar(&c.dryRun, "dry-run", false, "import: print the report, write nothing")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: convert -run DIR -to FILE.safetensors | convert -from FILE -run DIR -out DIR | convert -list FILE")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	renames, err := weights.ParseRenames(*rename)
	if err != nil {
		fmt.Fprintln(stderr, "convert: -rename:", err)
		return 2
	}
	c.opt.Renames = append(renames, weights.CommonRenames...)
	if msg := c.check(fs.NArg()); msg != "" {
		fmt.Fprintln(stderr, "convert:", msg)
		fs.Usage()
		return 2
	}
	switch {
	case c.list != "":
		err = list(c.list, stdout)
	case c.to != "":
		err = export(c.run, c.to, stdout)
	default:
		err = importInto(c, stdout)
	}
	if err != nil {
		fmt.Fprintln(stderr, "convert:", err)
		return 1
	}
	return 0
}

// check names what is wrong with the flags' combination, or returns "".
func (c config) check(args int) string {
	switch {
	case args > 0:
		return "unexpected arguments (flags start with -)"
	case c.list != "":
		if c.run != "" || c.to != "" || c.from != "" || c.out != "" {
			return "-list takes no other flag"
		}
	case c.to != "" && c.from != "":
		return "-to (export) and -from (import) exclude each other"
	case c.run == "":
		return "-run is required, with -to to export or -from and -out to import"
	case c.to == "" && c.from == "":
		return "give -to FILE to export the run's model, or -from FILE -out DIR to import"
	case c.from != "" && c.out == "" && !c.dryRun:
		return "-from needs -out, the new run folder (or -dry-run)"
	}
	return ""
}
