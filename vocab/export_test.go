package vocab

import "unicode/utf8"

// Internals for the tests in package vocab_test.
var (
	IsWord        = isWord
	IsSpace       = isSpace
	CaseIgnorable = caseIgnorable
	Cased         = cased
)

// LowerRune returns Python's lower() of r alone.
func LowerRune(r rune) string {
	s := []byte(string(r))
	return string(appendLower(nil, s, r, 0, len(s)))
}

// PyLower returns Python's s.lower(); invalid bytes become U+FFFD.
func PyLower(s string) string {
	b := []byte(s)
	var out []byte
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		out = appendLower(out, b, r, i, i+n)
		i += n
	}
	return string(out)
}
