package vocab

import (
	"fmt"
	"hash/maphash"
	"math/rand/v2"
	"reflect"
	"testing"
)

// An internTable counts as a Counter does, through its growth from the
// smallest size and through merges.
func TestInternTableMatchesCounter(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	zipf := rand.NewZipf(rng, 1.1, 1, 20000)
	seed := maphash.MakeSeed()
	var want Counter
	var got *internTable
	for part := range 3 {
		tab := newInternTable(0, seed)
		var c Counter
		var tokens []string
		for range 30000 {
			tok := fmt.Sprintf("t%d", zipf.Uint64())
			if rng.IntN(50) == 0 {
				tok = fmt.Sprintf("a much longer token than eight bytes, number %d", rng.IntN(500))
			}
			tokens = append(tokens, tok)
			c.see(tok, 1, true)
			if p := tab.add(tok, 1); tab.token(int(p)) != tok {
				t.Fatalf("position %d holds %q, not %q", p, tab.token(int(p)), tok)
			}
		}
		want.Merge(&c)
		if part == 0 {
			got = tab
			continue
		}
		remap := got.mergeRemap(tab)
		for j := range tab.counts {
			if got.token(int(remap[j])) != tab.token(j) {
				t.Fatalf("remap of %q gives %q", tab.token(j), got.token(int(remap[j])))
			}
		}
	}
	if len(got.slots) <= 1024 {
		t.Fatalf("the table never grew: %d slots", len(got.slots))
	}
	if c := got.counter(); !reflect.DeepEqual(c.Ordered(), want.Ordered()) || c.Count("t1") != want.Count("t1") {
		t.Errorf("internTable: %d tokens, Counter %d, or a different order or count", c.Len(), want.Len())
	}
}
