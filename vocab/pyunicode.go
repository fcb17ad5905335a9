package vocab

import (
	"unicode"
	"unicode/utf8"
)

// This file holds the few pieces of Python 3 str semantics the tokenizers
// need: the \w class of re, str.isspace, and str.lower with its two
// context or length changing cases (U+0130 and the final sigma rule).
//
// Classification follows Go's unicode tables (Unicode 15.0 in Go 1.26).
// Python 3.11 uses Unicode 14.0, so the two agree on every code point
// assigned in Unicode 14; TestUnicodeMatchesPython checks all of them.

const (
	capitalIWithDot = '\u0130' // lower() gives "i\u0307"
	capitalSigma    = '\u03a3' // lower() gives σ, or ς at the end of a word
	smallSigma      = '\u03c3'
	finalSigma      = '\u03c2'
)

// asciiWord maps an ASCII byte to its lower-case form when it is a word
// character (letter, digit or underscore) and to 0 otherwise.
var asciiWord = func() (t [utf8.RuneSelf]byte) {
	for c := byte('0'); c <= '9'; c++ {
		t[c] = c
	}
	for c := byte('a'); c <= 'z'; c++ {
		t[c] = c
		t[c-'a'+'A'] = c
	}
	t['_'] = '_'
	return t
}()

// isWord reports whether r matches Python's \w: str.isalnum() or '_'.
// isalnum is isalpha (categories L*) or isnumeric (N* and a few Lo
// ideographs with numeric values, which are letters anyway).
func isWord(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiWord[r] != 0
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r)
}

// isSpace reports whether Python's str.isspace() is true for r: bidi class
// WS, B or S, or category Zs. That is Go's unicode.IsSpace plus the four
// information separators U+001C..U+001F.
func isSpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}

// midWord holds the Word_Break MidLetter, MidNumLet and Single_Quote
// characters, which are Case_Ignorable.
var midWord = map[rune]bool{
	'\'': true, '.': true, ':': true, '\u00b7': true, '\u0387': true,
	'\u055f': true, '\u05f4': true, '\u2018': true, '\u2019': true,
	'\u2024': true, '\u2027': true, '\ufe13': true, '\ufe52': true,
	'\ufe55': true, '\uff07': true, '\uff0e': true, '\uff1a': true,
}

// caseIgnorable is the Unicode Case_Ignorable property.
func caseIgnorable(r rune) bool {
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf, unicode.Lm, unicode.Sk) || midWord[r]
}

// cased is the Unicode Cased property: Lowercase, Uppercase or Lt.
func cased(r rune) bool {
	return unicode.IsUpper(r) || unicode.IsLower(r) || unicode.IsTitle(r) ||
		unicode.In(r, unicode.Other_Lowercase, unicode.Other_Uppercase)
}

// sigmaIsFinal applies Python's final sigma rule to the capital sigma at
// s[i:j]: it lowers to ς when preceded by a cased letter and not followed
// by one, skipping case-ignorable characters on both sides.
func sigmaIsFinal(s []byte, i, j int) bool {
	before := false
	for k := i; k > 0; {
		r, n := utf8.DecodeLastRune(s[:k])
		k -= n
		if !caseIgnorable(r) {
			before = cased(r)
			break
		}
	}
	if !before {
		return false
	}
	for k := j; k < len(s); {
		r, n := utf8.DecodeRune(s[k:])
		k += n
		if !caseIgnorable(r) {
			return !cased(r)
		}
	}
	return true
}

// appendLower appends Python's lower() of the rune r found at s[i:j] to
// dst. Invalid UTF-8 (r == RuneError) becomes U+FFFD.
func appendLower(dst []byte, s []byte, r rune, i, j int) []byte {
	switch r {
	case capitalIWithDot:
		return append(dst, "i\u0307"...)
	case capitalSigma:
		if sigmaIsFinal(s, i, j) {
			return utf8.AppendRune(dst, finalSigma)
		}
		return utf8.AppendRune(dst, smallSigma)
	}
	return utf8.AppendRune(dst, unicode.ToLower(r))
}
