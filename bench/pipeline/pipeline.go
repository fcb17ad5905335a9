// Command pipeline times the data pipeline of the sentiment model on the
// 25,000 aclImdb training reviews: read, tokenize (vocab.IMDB), count,
// sort into a vocabulary, encode, collate (batches of 32 padded into
// tensors). pipeline.py does the same in Python with the seed's code;
// run.sh (and bench/run.sh) runs both and prints a table.
//
//	go run ./bench/pipeline -data /path/to/aclImdb -reps 5
//
// Each repetition prints one JSON line of seconds per stage.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"

	"github.com/sugarme/gotch"
	"github.com/torchrnn/torchrnn/imdb"
	"github.com/torchrnn/torchrnn/internal/libtorch"
	"github.com/torchrnn/torchrnn/internal/tensor"
	"github.com/torchrnn/torchrnn/seq"
	"github.com/torchrnn/torchrnn/vocab"
)

// batch is the seed's batch size, for the collate stage.
const batch = 32

// libtorch calls stay on the main thread.
func init() { runtime.LockOSThread() }

func main() {
	data := flag.String("data", "", "aclImdb folder (or archive) holding train/{neg,pos}")
	reps := flag.Int("reps", 1, "repetitions")
	flag.Parse()
	libtorch.SetThreads(1) // as pipeline.py
	libtorch.TuneMalloc()  // as cmd/train, before it reads the data
	for range *reps {
		if err := report(os.Stdout, *data); err != nil {
			fmt.Fprintln(os.Stderr, "pipeline:", err)
			os.Exit(1)
		}
	}
}

// Timing holds the seconds per stage of one run, wall clock and CPU (user
// plus system, all threads), and what the run produced.
type Timing struct {
	Lang     string             `json:"lang"`
	Read     float64            `json:"read"`
	Tokenize float64            `json:"tokenize"`
	Count    float64            `json:"count"`
	Sort     float64            `json:"sort"`
	Encode   float64            `json:"encode"`
	Collate  float64            `json:"collate"`
	Total    float64            `json:"total"`
	CPU      map[string]float64 `json:"cpu"`
	Reviews  int                `json:"reviews"`
	Tokens   int                `json:"tokens"`
	Vocab    int                `json:"vocab"`
	Threads  int                `json:"threads"`
}

func report(w io.Writer, data string) error {
	t, err := run(data)
	if err != nil {
		return err
	}
	return json.NewEncoder(w).Encode(t)
}

// run does the pipeline once on the train split at data.
func run(data string) (Timing, error) {
	t := Timing{Lang: "go", Threads: runtime.GOMAXPROCS(0), CPU: map[string]float64{}}
	start, startCPU := time.Now(), cpuSeconds()
	lap := func(name string, stage *float64) {
		now, nowCPU := time.Now(), cpuSeconds()
		*stage = now.Sub(start).Seconds()
		t.Total += *stage
		t.CPU[name] = nowCPU - startCPU
		t.CPU["total"] += nowCPU - startCPU
		start, startCPU = now, nowCPU
	}
	d, err := imdb.Read(data, imdb.Train)
	if err != nil {
		return t, err
	}
	lap("read", &t.Read)
	// Tokenized and counted in one pass, as cmd/train does: the time is
	// Tokenize's, Count stays 0 (the tables show the two stages together).
	counts := vocab.CountTexts(d.Texts(), vocab.IMDB)
	lap("tokenize", &t.Tokenize)
	v := vocab.New(counts.Counter, vocab.Options{})
	lap("sort", &t.Sort)
	ids := v.EncodeIndexed(counts)
	lap("encode", &t.Encode)
	if err := collate(ids, d.LabelIDs()); err != nil {
		return t, err
	}
	lap("collate", &t.Collate)
	t.Reviews, t.Vocab = len(ids), v.Len()
	for _, x := range ids {
		t.Tokens += len(x)
	}
	return t, nil
}

// collate pads the reviews, in order, into batches and makes their tensors,
// as the seed's collate_batch does: ids [B, T] and labels [B]. The lengths
// stay a Go slice, which is what lstm's models take. As in the trainer,
// the ids are padded straight into the tensor's memory (seq's Shape and
// PadInto, tensor.Int64Fill).
func collate(ids [][]int64, labels []int) (err error) {
	defer tensor.Catch(&err, "collate")
	pad := seq.Padding{Truncate: seq.KeepTail, PadID: vocab.PadID}
	for i := 0; i < len(ids); i += batch {
		j := min(i+batch, len(ids))
		_, T, err := pad.Shape(ids[i:j])
		tensor.Check(err)
		B := int64(j - i)
		x := tensor.Must(tensor.Int64Fill([]int64{B, int64(T)}, gotch.CPU, func(data []int64) error {
			return pad.PadInto(data, ids[i:j], T)
		}))
		x.MustDrop()
		y := make([]int64, j-i)
		for k, label := range labels[i:j] {
			y[k] = int64(label)
		}
		tensor.Must(tensor.Int64(y, []int64{B}, gotch.CPU)).MustDrop()
	}
	return nil
}
