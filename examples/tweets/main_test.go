package main

import (
	"io"
	"testing"

	"github.com/torchrnn/torchrnn/torch"
)

func TestTweets(t *testing.T) {
	torch.LockThread()
	res, err := run("testdata/tweets.tsv", 12, t.TempDir(), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !(res.lastLoss < 0.5*res.firstLoss) {
		t.Errorf("training loss %.4f -> %.4f: did not halve", res.firstLoss, res.lastLoss)
	}
	// The synthetic tweets are separable by their words: a model that learnt
	// anything beats chance (1/3) by far.
	if res.testAcc < 0.7 {
		t.Errorf("test accuracy %.2f, want >= 0.7", res.testAcc)
	}
	if !res.sameOutputs {
		t.Error("the reloaded model's outputs differ from the trained one's")
	}
}
