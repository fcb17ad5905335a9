package vocab

import (
	"sync"
	"unicode/utf8"
)

// A Tokenizer splits a text into tokens. Ready values: IMDB, Whitespace,
// Chars. A Tokenizer must be safe for concurrent use.
type Tokenizer func(text string) []string

// Whitespace lower-cases the text and splits it at runs of white space,
// exactly like Python's text.lower().split(): lower() uses full case
// mapping (İ -> i + U+0307, final sigma -> ς) and the white space is
// str.isspace() (Unicode White_Space plus U+001C..U+001F).
var Whitespace Tokenizer = whitespace

// Chars splits the text into its characters: one token per rune, never
// per byte. Case is kept. Each invalid UTF-8 byte becomes "\uFFFD".
var Chars Tokenizer = chars

// wsScratch is the reusable buffer of the Whitespace tokenizer.
type wsScratch struct {
	src  []byte // copy of the text, for the final sigma context
	out  []byte // lower-cased tokens, back to back
	ends []int  // end offset in out of each token
}

var wsPool = sync.Pool{New: func() any { return new(wsScratch) }}

func whitespace(text string) []string {
	sc := wsPool.Get().(*wsScratch)
	defer wsPool.Put(sc)
	sc.out, sc.ends = sc.out[:0], sc.ends[:0]
	sc.src = append(sc.src[:0], text...)
	src := sc.src
	in := false
	for i := 0; i < len(src); {
		r, n := rune(src[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRune(src[i:])
		}
		switch {
		case isSpace(r):
			if in {
				sc.ends = append(sc.ends, len(sc.out))
				in = false
			}
		case r < utf8.RuneSelf:
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			sc.out = append(sc.out, byte(r))
			in = true
		default:
			sc.out = appendLower(sc.out, src, r, i, i+n)
			in = true
		}
		i += n
	}
	if in {
		sc.ends = append(sc.ends, len(sc.out))
	}
	return splitAt(string(sc.out), sc.ends)
}

// splitAt cuts s at ends (each token's end offset) into tokens.
func splitAt(s string, ends []int) []string {
	if len(ends) == 0 {
		return nil
	}
	toks := make([]string, len(ends))
	start := 0
	for i, e := range ends {
		toks[i] = s[start:e]
		start = e
	}
	return toks
}

// asciiChar holds the one-byte strings, so Chars does not allocate them.
var asciiChar = func() (t [utf8.RuneSelf]string) {
	for i := range t {
		t[i] = string(rune(i))
	}
	return t
}()

func chars(text string) []string {
	if text == "" {
		return nil
	}
	toks := make([]string, 0, utf8.RuneCountInString(text))
	for i := 0; i < len(text); {
		if c := text[i]; c < utf8.RuneSelf {
			toks = append(toks, asciiChar[c])
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(text[i:])
		if r == utf8.RuneError && n == 1 {
			toks = append(toks, "\uFFFD")
		} else {
			toks = append(toks, text[i:i+n])
		}
		i += n
	}
	return toks
}
