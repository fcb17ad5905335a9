package conll

import (
	"bufio"
	"fmt"
	"io"
)

// Write writes s back with tags appended as the last column (tab-separated),
// then a blank line: its lines as read, comments and skipped rows unchanged,
// or "token<TAB>tag" rows for a sentence built from plain text (no Lines).
func Write(w io.Writer, s Sentence, tags []string) error {
	if len(tags) != len(s.Tokens) {
		return fmt.Errorf("conll: write: %d tags for %d tokens", len(tags), len(s.Tokens))
	}
	bw := bufio.NewWriter(w)
	if s.Lines == nil {
		for i, tok := range s.Tokens {
			fmt.Fprintf(bw, "%s\t%s\n", tok, tags[i])
		}
	} else {
		k := 0
		for j, line := range s.Lines {
			bw.WriteString(line)
			if k < len(s.Token) && s.Token[k] == j {
				bw.WriteString("\t" + tags[k])
				k++
			}
			bw.WriteByte('\n')
		}
	}
	bw.WriteByte('\n')
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("conll: write: %w", err)
	}
	return nil
}
