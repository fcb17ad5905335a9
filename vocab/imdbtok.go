package vocab

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// IMDB is the tokenizer of the seed sentiment model, reproduced exactly,
// quirks included:
//
//	def tokenizer(text):
//	    text = re.sub('<[^>]*>', '', text)
//	    emoticons = re.findall('(?::|;|=)(?:-)?(?:\)|\(|D|P)', text.lower())
//	    text = re.sub('[\W]+', ' ', text.lower()) + ' '.join(emoticons).replace('-', '')
//	    return text.split()
//
// So: HTML-like tags are deleted without a space ("a<br />b" is one word
// "ab"); the tokens are the runs of Python word characters (Unicode letters,
// numbers and '_') of the lower-cased text; then the emoticons :) :( ;) ;(
// =) =( (with an optional '-', which is dropped) follow in text order. The
// first emoticon is glued to the last word when the text ends with a word
// character ("great :)" -> [great :)] but "so :) good" -> [so good:)]).
// ":D" and ":P" never match, since the pattern runs on lower-cased text.
// Lower-casing is Python's: "İ" becomes "i" plus a combining dot, which
// splits the word, and a capital sigma at the end of a word becomes ς.
var IMDB Tokenizer = imdb

// imdbScratch is the reusable state of one IMDB call.
type imdbScratch struct {
	buf  []byte   // the text without tags, when it has some
	out  []byte   // lower-cased tokens, back to back
	ends []int    // end offset in out of each token
	emo  []string // emoticons without '-', in text order
}

var imdbPool = sync.Pool{New: func() any { return new(imdbScratch) }}

func imdb(text string) []string {
	sc := imdbPool.Get().(*imdbScratch)
	defer imdbPool.Put(sc)
	sc.tokenize(text)
	return splitAt(string(sc.out), sc.ends)
}

// indexIMDB counts the IMDB tokens of text in t, without making them
// strings, and appends their positions to dst.
func indexIMDB(t *internTable, text string, dst []int32) []int32 {
	sc := imdbPool.Get().(*imdbScratch)
	defer imdbPool.Put(sc)
	sc.tokenize(text)
	start := 0
	for _, end := range sc.ends { // tokens are never empty
		dst = append(dst, t.add(unsafe.String(&sc.out[start], end-start), 1))
		start = end
	}
	return dst
}

// tokenize leaves IMDB's tokens of text in sc.out, cut at sc.ends.
func (sc *imdbScratch) tokenize(text string) {
	src := unsafe.Slice(unsafe.StringData(text), len(text)) // read only
	if strings.IndexByte(text, '<') >= 0 {
		sc.buf = stripTags(sc.buf[:0], text)
		src = sc.buf
	}
	endsInWord := sc.scan(src)
	emo := sc.emo
	if endsInWord && len(emo) > 0 { // "... word" + ":) ;(" -> "word:)", ";("
		sc.out = append(sc.out, emo[0]...)
		sc.ends[len(sc.ends)-1] = len(sc.out)
		emo = emo[1:]
	}
	for _, e := range emo {
		sc.out = append(sc.out, e...)
		sc.ends = append(sc.ends, len(sc.out))
	}
}

// stripTags appends s to dst without the leftmost non-overlapping matches
// of the regular expression <[^>]*>.
func stripTags(dst []byte, s string) []byte {
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i+1:], '>')
		if j < 0 {
			break // no '>' after this '<', so none after any later '<'
		}
		dst = append(dst, s[:i]...)
		s = s[i+j+2:]
	}
	return append(dst, s...)
}

// scan splits src, which it does not modify, into lower-cased words in
// sc.out and sc.ends and emoticons in sc.emo. It reports whether the
// lower-cased text ends with a word character. (Locals, not sc's fields,
// in the loop: the compiler keeps them in registers.)
func (sc *imdbScratch) scan(src []byte) bool {
	out, ends, emo := sc.out[:0], sc.ends[:0], sc.emo[:0]
	in := false // inside a word
	for i := 0; i < len(src); {
		c := src[i]
		if c < utf8.RuneSelf {
			if w := asciiWord[c]; w != 0 { // a run of ASCII word bytes
				for {
					out = append(out, w)
					if i++; i == len(src) || src[i] >= utf8.RuneSelf {
						break
					}
					if w = asciiWord[src[i]]; w == 0 {
						break
					}
				}
				in = true
				continue
			}
			if in {
				ends, in = append(ends, len(out)), false
			}
			if eyes[c] {
				if e, n := emoticon(src[i:]); n > 0 {
					emo = append(emo, e)
					i += n
					continue
				}
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(src[i:])
		switch lr := unicode.ToLower(r); {
		case r == capitalIWithDot: // "i" + U+0307, a non-word mark
			out, ends, in = append(out, 'i'), append(ends, len(out)+1), false
		case r == capitalSigma:
			out, in = appendLower(out, src, r, i, i+n), true
		case isWord(lr):
			out, in = utf8.AppendRune(out, lr), true
		case in:
			ends, in = append(ends, len(out)), false
		}
		i += n
	}
	if in {
		ends = append(ends, len(out))
	}
	sc.out, sc.ends, sc.emo = out, ends, emo
	return in
}

// eyes marks the bytes an emoticon starts with.
var eyes = [utf8.RuneSelf]bool{':': true, ';': true, '=': true}

// emoticons[a][b] is the emoticon made of a (':', ';', '=') and b (')', '(').
var emoticons = [3][2]string{{":)", ":("}, {";)", ";("}, {"=)", "=("}}

// emoticon matches (?::|;|=)(?:-)?(?:\)|\() at the start of s and returns
// the emoticon without '-' and the number of bytes matched (0 if none).
func emoticon(s []byte) (string, int) {
	if len(s) < 2 {
		return "", 0
	}
	eyes := strings.IndexByte(":;=", s[0])
	if eyes < 0 {
		return "", 0
	}
	n := 1
	if s[1] == '-' {
		n = 2
	}
	if n >= len(s) {
		return "", 0
	}
	switch s[n] {
	case ')':
		return emoticons[eyes][0], n + 1
	case '(':
		return emoticons[eyes][1], n + 1
	}
	return "", 0
}
