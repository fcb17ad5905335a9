package vocab

import (
	"slices"
	"testing"
)

func TestSpellAndFields(t *testing.T) {
	c := NewCounter()
	c.Add([]string{"a", "b", "é"})
	v := New(c, Options{})
	if got := v.Spell("bé?a"); !slices.Equal(got, []int64{v.ID("b"), v.ID("é"), UnkID, v.ID("a")}) {
		t.Errorf("Spell: %v", got)
	}
	if got := Fields(" The  Cat\tSat\n"); !slices.Equal(got, []string{"The", "Cat", "Sat"}) {
		t.Errorf("Fields keeps case: %q", got)
	}
}
