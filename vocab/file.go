package vocab

import (
	"bufio"
	"errors"
	"fmt"
	"github.com/torchrnn/torchrnn/internal/atomic"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"
)

const header = "#vocab v1"

// WriteTo writes v as UTF-8 text, one token per line in id order after a
// header line, so the token of id i is on line i+2:
//
//	#vocab v1 size=75979 bos=false eos=false
//	<pad>
//	<unk>
//	the
//	"hello world"
//
// A token is written as is when it is plain: valid UTF-8, printable
// (strconv.IsPrint) without spaces, and not starting with '"' or '#'. Any
// other token (empty, with white space, control or invisible characters,
// invalid UTF-8) is written as a Go double-quoted string (strconv.Quote),
// which Read turns back exactly. Read also accepts CRLF line ends.
func (v *Vocab) WriteTo(w io.Writer) (int64, error) {
	bw := bufio.NewWriter(w)
	n, _ := fmt.Fprintf(bw, "%s size=%d bos=%t eos=%t\n", header, len(v.tokens), v.bos >= 0, v.eos >= 0)
	total := int64(n)
	for _, t := range v.tokens {
		if !plain(t) {
			t = strconv.Quote(t)
		}
		n, _ := bw.WriteString(t)
		bw.WriteByte('\n')
		total += int64(n) + 1
	}
	return total, bw.Flush()
}

// plain reports whether tok can be written without quotes.
func plain(tok string) bool {
	if tok == "" || tok[0] == '"' || tok[0] == '#' || !utf8.ValidString(tok) {
		return false
	}
	for _, r := range tok {
		if r == ' ' || !strconv.IsPrint(r) {
			return false
		}
	}
	return true
}

// Save writes v to path, replacing it atomically.
func (v *Vocab) Save(path string) error {
	if err := atomic.WriteTo(path, v); err != nil {
		return fmt.Errorf("vocab: save: %w", err)
	}
	return nil
}

// Load reads a vocabulary file written by Save.
func Load(path string) (*Vocab, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("vocab: load: %w", err)
	}
	defer f.Close()
	return Read(f, path)
}

// Read reads a vocabulary in the format of WriteTo; name (a file name)
// is used in errors, which also give the line.
func Read(r io.Reader, name string) (*Vocab, error) {
	br := bufio.NewReader(r)
	line, err := readLine(br)
	if err != nil {
		return nil, fmt.Errorf("vocab: %s:1: missing header %q: %w", name, header, err)
	}
	var size int
	var bos, eos bool
	if _, err := fmt.Sscanf(line, header+" size=%d bos=%t eos=%t", &size, &bos, &eos); err != nil || size < 2 {
		return nil, fmt.Errorf("vocab: %s:1: bad header %q, want %q", name, line, header+" size=N bos=BOOL eos=BOOL")
	}
	v := &Vocab{ids: make(map[string]int64, min(size, 1<<16)), bos: -1, eos: -1}
	for lineNo := 2; ; lineNo++ {
		line, err := readLine(br)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("vocab: %s:%d: %w", name, lineNo, err)
		}
		tok, err := parseToken(line)
		if err != nil {
			return nil, fmt.Errorf("vocab: %s:%d: %w", name, lineNo, err)
		}
		if prev, dup := v.ids[tok]; dup {
			return nil, fmt.Errorf("vocab: %s:%d: token %q already on line %d", name, lineNo, tok, prev+2)
		}
		v.add(tok)
	}
	if len(v.tokens) != size {
		return nil, fmt.Errorf("vocab: %s: header says %d tokens, file has %d (truncated?)", name, size, len(v.tokens))
	}
	if err := v.checkSpecials(name, bos, eos); err != nil {
		return nil, err
	}
	return v, nil
}

// readLine returns the next line without its "\n" or "\r\n"; io.EOF at the
// end. A last line without "\n" is accepted.
func readLine(br *bufio.Reader) (string, error) {
	line, err := br.ReadString('\n')
	if err != nil && (line == "" || !errors.Is(err, io.EOF)) {
		return "", err
	}
	line = strings.TrimSuffix(line, "\n")
	return strings.TrimSuffix(line, "\r"), nil
}

// parseToken decodes one token line.
func parseToken(line string) (string, error) {
	if strings.HasPrefix(line, `"`) {
		tok, err := strconv.Unquote(line)
		if err != nil {
			return "", fmt.Errorf("bad quoted token %s: %w", line, err)
		}
		return tok, nil
	}
	if !plain(line) {
		return "", fmt.Errorf("token %q must be written as a Go quoted string", line)
	}
	return line, nil
}

// checkSpecials verifies that the special tokens have their ids.
func (v *Vocab) checkSpecials(name string, bos, eos bool) error {
	want := []string{Pad, Unk}
	if bos {
		v.bos = int64(len(want))
		want = append(want, BOS)
	}
	if eos {
		v.eos = int64(len(want))
		want = append(want, EOS)
	}
	for id, tok := range want {
		if id >= len(v.tokens) || v.tokens[id] != tok {
			return fmt.Errorf("vocab: %s:%d: want special token %s (id %d)", name, id+2, tok, id)
		}
	}
	return nil
}
