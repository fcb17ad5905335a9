package vocab

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
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
	src  []byte   // the text without tags
	out  []byte   // lower-cased word characters of all tokens, back to back
	ends []int    // end offset in out of each word
	emo  []string // emoticons without '-', in text order
}

var imdbPool = sync.Pool{New: func() any { return new(imdbScratch) }}

func imdb(text string) []string {
	sc := imdbPool.Get().(*imdbScratch)
	defer imdbPool.Put(sc)
	sc.src = stripTags(sc.src[:0], text)
	endsInWord := sc.scan()
	emo := sc.emo
	if endsInWord && len(emo) > 0 { // "... word" + ":) ;(" -> "word:)", ";("
		sc.out = append(sc.out, emo[0]...)
		sc.ends[len(sc.ends)-1] = len(sc.out)
		emo = emo[1:]
	}
	return splitAt(string(sc.out), sc.ends, emo)
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

// scan splits sc.src into lower-cased words and emoticons. It reports
// whether the lower-cased text ends with a word character.
func (sc *imdbScratch) scan() bool {
	src := sc.src
	sc.out, sc.ends, sc.emo = sc.out[:0], sc.ends[:0], sc.emo[:0]
	in := false // inside a word
	end := func() {
		if in {
			sc.ends = append(sc.ends, len(sc.out))
			in = false
		}
	}
	for i := 0; i < len(src); {
		c := src[i]
		if c < utf8.RuneSelf {
			if w := asciiWord[c]; w != 0 {
				sc.out = append(sc.out, w)
				in = true
				i++
				continue
			}
			end()
			if e, n := emoticon(src[i:]); n > 0 {
				sc.emo = append(sc.emo, e)
				i += n
				continue
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(src[i:])
		switch {
		case r == capitalIWithDot: // "i" + U+0307, a non-word mark
			sc.out = append(sc.out, 'i')
			in = true
			end()
		case r == capitalSigma:
			sc.out = appendLower(sc.out, src, r, i, i+n)
			in = true
		default:
			if lr := unicode.ToLower(r); isWord(lr) {
				sc.out = utf8.AppendRune(sc.out, lr)
				in = true
			} else {
				end()
			}
		}
		i += n
	}
	ended := in
	end()
	return ended
}

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
