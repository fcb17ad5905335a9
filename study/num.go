package study

import (
	"encoding/json"
	"fmt"
	"math"
)

// Num is a float64 that JSON can hold whatever its value: NaN is written
// as null, ±Inf as the strings "+Inf" and "-Inf" (a diverged run has them).
type Num float64

// MarshalJSON implements json.Marshaler.
func (v Num) MarshalJSON() ([]byte, error) {
	f := float64(v)
	switch {
	case math.IsNaN(f):
		return []byte("null"), nil
	case math.IsInf(f, 1):
		return []byte(`"+Inf"`), nil
	case math.IsInf(f, -1):
		return []byte(`"-Inf"`), nil
	}
	return json.Marshal(f)
}

// UnmarshalJSON implements json.Unmarshaler.
func (v *Num) UnmarshalJSON(b []byte) error {
	switch s := string(b); s {
	case "null":
		*v = Num(math.NaN())
		return nil
	case `"+Inf"`, `"-Inf"`:
		*v = Num(math.Inf(map[string]int{`"+Inf"`: 1, `"-Inf"`: -1}[s]))
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return fmt.Errorf("study: number %s: %w", b, err)
	}
	*v = Num(f)
	return nil
}
