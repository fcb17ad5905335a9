package vocab

import (
	"strings"
	"unicode"
)

// Moses lower-cases the text and splits punctuation from words, as the
// tokenised Multi30k files were made (Moses' tokenizer.perl, then
// lower-casing): "A man's dog, \"Rex\"." -> a man &apos;s dog , &quot; rex &quot; .
// Hyphens and dots inside a word stay ("t-shirt", "u.s"); an apostrophe
// starts a token ("&apos;s"); & " ' < > are written as Moses escapes them,
// and German quotes („ “ ”) as &quot; (the "norm" of the file names).
var Moses Tokenizer = moses

var mosesEscapes = strings.NewReplacer("&", "&amp;", "\"", "&quot;", "„", "&quot;", "“", "&quot;", "”", "&quot;", "'", "&apos;", "<", "&lt;", ">", "&gt;")

func moses(text string) []string {
	rs := []rune(strings.ToLower(text))
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, mosesEscapes.Replace(string(cur)))
			cur = cur[:0]
		}
	}
	word := func(i int) bool { return i >= 0 && i < len(rs) && (unicode.IsLetter(rs[i]) || unicode.IsDigit(rs[i])) }
	for i, r := range rs {
		switch {
		case unicode.IsSpace(r):
			flush()
		case r == '\'' && word(i-1) && word(i+1): // man's -> man 's
			flush()
			cur = append(cur, r)
		case (r == '-' || r == '.' || r == ',') && word(i-1) && word(i+1): // t-shirt, 3.5, 1,000
			cur = append(cur, r)
		case unicode.IsPunct(r) || unicode.IsSymbol(r):
			flush()
			cur = append(cur, r)
			flush()
		default:
			cur = append(cur, r)
		}
	}
	flush()
	return out
}
