// Command pipeline times the data pipeline of the sentiment model on the
// 25,000 aclImdb training reviews: read, tokenize (vocab.IMDB), count,
// sort into a vocabulary, encode. pipeline.py does the same in Python with
// the seed's code; run.sh runs both and prints a table.
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

	"github.com/torchrnn/torchrnn/imdb"
	"github.com/torchrnn/torchrnn/vocab"
)

func main() {
	data := flag.String("data", "", "aclImdb folder (or archive) holding train/{neg,pos}")
	reps := flag.Int("reps", 1, "repetitions")
	flag.Parse()
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
	docs := vocab.TokenizeAll(d.Texts(), vocab.IMDB)
	lap("tokenize", &t.Tokenize)
	counts := vocab.CountTokens(docs)
	lap("count", &t.Count)
	v := vocab.New(counts, vocab.Options{})
	lap("sort", &t.Sort)
	ids := v.EncodeAll(docs)
	lap("encode", &t.Encode)
	t.Reviews, t.Vocab = len(ids), v.Len()
	for _, x := range ids {
		t.Tokens += len(x)
	}
	return t, nil
}
