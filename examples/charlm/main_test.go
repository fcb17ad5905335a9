package main

import (
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/torchrnn/torchrnn/corpus"
	"github.com/torchrnn/torchrnn/torch"
)

func TestCharLM(t *testing.T) {
	torch.LockThread()
	text, err := run(60, 80, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !(losses[1] < losses[0]-0.5) {
		t.Errorf("mean loss of the first 10 windows %.3f, last 10 %.3f: want a fall of 0.5 nats", losses[0], losses[1])
	}
	if !strings.HasPrefix(text, prompt) || utf8.RuneCountInString(text) != len(prompt)+80 {
		t.Fatalf("sampled %q: want the prompt and 80 characters", text)
	}
	shakespeare, _ := corpus.TinyShakespeare()
	for _, r := range text {
		if !strings.ContainsRune(shakespeare, r) {
			t.Fatalf("sampled %q, not in the corpus", r)
		}
	}
}
