package corpus

import (
	"crypto/sha256"
	"fmt"
	"strings"
	"testing"
)

func TestTinyShakespeare(t *testing.T) {
	text, err := TinyShakespeare()
	if err != nil {
		t.Fatal(err)
	}
	// sha256 of ../shared/data/corpus/tinyshakespeare.txt (PROVENANCE.md).
	const want = "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed"
	if got := fmt.Sprintf("%x", sha256.Sum256([]byte(text))); got != want || !strings.HasPrefix(text, "First Citizen:") {
		t.Errorf("sha256 %s, %d bytes; want %s", got, len(text), want)
	}
}
