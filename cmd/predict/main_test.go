package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{{}, {"-run", t.TempDir(), "text"}, {"-bogus"}} {
		var out bytes.Buffer
		if code := run(args, strings.NewReader(""), &out); code != 2 {
			t.Errorf("predict %v: exit %d, want 2", args, code)
		}
	}
}

func TestGather(t *testing.T) {
	texts, err := gather(nil, nil, strings.NewReader("good\n\n  bad  \n"))
	if err != nil || len(texts) != 2 || texts[1] != "bad" {
		t.Errorf("stdin lines: %q, %v", texts, err)
	}
	if _, err := gather(nil, nil, strings.NewReader("")); err == nil {
		t.Error("no input: got no error")
	}
	if _, err := gather(nil, files{"/no/such/file"}, nil); err == nil || !strings.Contains(err.Error(), "/no/such/file") {
		t.Errorf("missing file: %v", err)
	}
}
