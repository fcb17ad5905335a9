package tensor

import (
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"testing"

	"github.com/sugarme/gotch"
)

func TestFromDataRoundTrip(t *testing.T) {
	runtime.LockOSThread()
	ids, err := Int64([]int64{1, -2, 3, 1 << 40, 5, 6}, []int64{2, 3}, gotch.CPU)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(ids.MustSize(), ids.DType(), ids.Int64Values()); got != "[2 3] Int64 [1 -2 3 1099511627776 5 6]" {
		t.Errorf("Int64: %s", got)
	}
	x, err := Float32([]float32{0.5, -1.25, 3}, []int64{3, 1}, gotch.CPU)
	if err != nil {
		t.Fatal(err)
	}
	vals, err := Float32s(x)
	if got := fmt.Sprint(x.MustSize(), x.DType(), vals, err); got != "[3 1] Float [0.5 -1.25 3] <nil>" {
		t.Errorf("Float32: %s", got)
	}
	scalar, err := Float32([]float32{7}, nil, gotch.CPU)
	if err != nil || len(scalar.MustSize()) != 0 || scalar.Float64Values()[0] != 7 {
		t.Errorf("scalar: %v, %v", scalar, err)
	}
	empty, err := Int64(nil, []int64{0, 4}, gotch.CPU)
	if err != nil || fmt.Sprint(empty.MustSize()) != "[0 4]" {
		t.Errorf("empty: %v, %v", empty, err)
	}
	if _, err := Int64([]int64{1, 2}, []int64{3}, gotch.CPU); err == nil {
		t.Error("2 values for shape [3]: no error")
	}
}

// Int64Fill gives what Int64 gives from the values fill writes, and
// returns fill's error.
func TestInt64Fill(t *testing.T) {
	runtime.LockOSThread()
	x, err := Int64Fill([]int64{2, 3}, gotch.CPU, func(data []int64) error {
		copy(data, []int64{1, -2, 3, 1 << 40, 5, 6})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	defer x.MustDrop()
	if got := fmt.Sprint(x.MustSize(), x.DType(), x.Int64Values()); got != "[2 3] Int64 [1 -2 3 1099511627776 5 6]" {
		t.Errorf("Int64Fill: %s", got)
	}
	empty, err := Int64Fill([]int64{0, 4}, gotch.CPU, func(data []int64) error {
		if len(data) != 0 {
			return fmt.Errorf("%d values", len(data))
		}
		return nil
	})
	if err != nil || fmt.Sprint(empty.MustSize()) != "[0 4]" {
		t.Errorf("empty: %v, %v", empty, err)
	}
	want := errors.New("no values")
	if _, err := Int64Fill([]int64{3}, gotch.CPU, func([]int64) error { return want }); err != want {
		t.Errorf("fill's error: %v", err)
	}
	if _, err := Int64Fill([]int64{-1}, gotch.CPU, func([]int64) error { return nil }); err == nil {
		t.Error("shape [-1]: no error")
	}
}

// TestScopeFreesScalars checks that Free frees a scope's scalars at once
// (the fitted gotch's Scalar.Drop; gotch's own did nothing, leaving each
// scalar to a garbage collection), and that freeing twice is harmless.
func TestScopeFreesScalars(t *testing.T) {
	var s Scope
	sc := s.Scalar(2.5)
	if v, err := sc.ToFloat(); err != nil || v != 2.5 {
		t.Fatalf("ToFloat = %v, %v; want 2.5", v, err)
	}
	s.Free()
	if c := reflect.ValueOf(sc).Elem().FieldByName("cscalar"); !c.IsNil() {
		t.Error("the scalar still holds its C memory after Scope.Free")
	}
	sc.MustDrop() // a second drop does nothing
}
