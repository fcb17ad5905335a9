package vocab

import "strings"

// Spell returns the ids of word's runes in a character vocabulary (one
// token per rune), UnkID for a rune it lacks: a tagger's character input.
func (v *Vocab) Spell(word string) []int64 {
	ids := make([]int64, 0, len(word))
	for _, r := range word {
		ids = append(ids, v.ID(string(r)))
	}
	return ids
}

// Fields splits a text at runs of Unicode white space and keeps case, as
// strings.Fields: a tagger's plain-text input, whose tags depend on case.
var Fields Tokenizer = strings.Fields
