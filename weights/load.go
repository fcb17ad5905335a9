package weights

import (
	"fmt"
	"slices"
	"strings"

	"github.com/torchrnn/torchrnn/internal/tensor"
	"github.com/torchrnn/torchrnn/torch"
)

// Options shape Load. The zero value is lenient, with CommonRenames.
type Options struct {
	// Strict makes any missing, unexpected or mismatched tensor an error,
	// and then nothing is copied (PyTorch's load_state_dict(strict=True)
	// copies what matches before it raises; Load leaves the model as it was).
	// Lenient, Load copies every tensor whose name and shape match and
	// reports the rest.
	Strict bool
	// Prefix keeps only the file's tensors whose names start with it, with
	// it removed: "model." for a checkpoint {"model": state_dict, ...}.
	Prefix string
	// Renames are tried, in order, on file names the model lacks (see
	// CommonRenames). nil means CommonRenames; an empty non-nil slice, none.
	Renames []Rename
}

// Entry is a named shape in a Report.
type Entry struct {
	Name  string
	Shape []int64
}

func (e Entry) String() string { return e.Name + " " + shapeString(e.Shape) }

// Mismatch is a file tensor whose shape differs from the model's.
type Mismatch struct {
	File, Model           string // names (equal unless renamed)
	FileShape, ModelShape []int64
}

func (m Mismatch) String() string {
	name := m.Model
	if m.File != m.Model {
		name = m.File + " -> " + m.Model
	}
	return fmt.Sprintf("%s: %s in the file, %s in the model", name, shapeString(m.FileShape), shapeString(m.ModelShape))
}

// Report is what a Load matched.
type Report struct {
	Loaded     []string   // model names given the file's values, in model order
	Renamed    []string   // "file name -> model name", for each rename used
	Missing    []Entry    // model tensors the file lacks
	Unexpected []Entry    // file tensors no model tensor takes
	Mismatched []Mismatch // same name, another shape: never copied
	Skipped    []string   // file entries not read (StateDict.Skipped)
}

// Complete reports whether every model tensor was loaded and every file
// tensor used.
func (r Report) Complete() bool {
	return len(r.Missing) == 0 && len(r.Unexpected) == 0 && len(r.Mismatched) == 0
}

// String lists the report, one item per line: a count line first, then
// every missing, unexpected, mismatched, skipped and renamed tensor.
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d loaded, %d missing, %d unexpected, %d shape mismatches", len(r.Loaded), len(r.Missing), len(r.Unexpected), len(r.Mismatched))
	for _, e := range r.Missing {
		fmt.Fprintf(&b, "\n  missing:    %s", e)
	}
	for _, e := range r.Unexpected {
		fmt.Fprintf(&b, "\n  unexpected: %s", e)
	}
	for _, m := range r.Mismatched {
		fmt.Fprintf(&b, "\n  mismatch:   %s", m)
	}
	for _, s := range r.Skipped {
		fmt.Fprintf(&b, "\n  skipped:    %s (not a dense tensor)", s)
	}
	for _, s := range r.Renamed {
		fmt.Fprintf(&b, "\n  renamed:    %s", s)
	}
	return b.String()
}

// LoadError is Load's error in strict mode: the whole report.
type LoadError struct{ Report Report }

func (e *LoadError) Error() string { return "weights: strict load: " + e.Report.String() }

// Load copies the tensors of sd into params (a model's parameters under
// PyTorch's names, as ModelParams gives them), matching names exactly or
// through opt.Renames, and checking shapes. Values move to each
// parameter's device; no gradient is recorded. A tensor that appears
// under two names (tied weights) counts as loaded when either is.
//
// In strict mode any missing, unexpected or mismatched tensor is a
// *LoadError listing them all, and params are left unchanged. Lenient,
// the report lists them and the matching tensors are copied. Load creates
// no tensor the caller must free.
func Load(params []torch.Param, sd *StateDict, opt Options) (Report, error) {
	var r Report
	r.Skipped = sd.Skipped
	renames := opt.Renames
	if renames == nil {
		renames = CommonRenames
	}
	index, shapes, err := indexParams(params)
	if err != nil {
		return r, err
	}
	var file []*Tensor
	for i := range sd.Tensors {
		if rest, ok := strings.CutPrefix(sd.Tensors[i].Name, opt.Prefix); ok {
			t := sd.Tensors[i]
			t.Name = rest
			file = append(file, &t)
		}
	}
	from := match(file, index, renames)
	loaded := map[*torch.Tensor]bool{}
	for i, p := range params {
		t := from[i]
		switch {
		case t == nil:
			continue
		case !slices.Equal(t.Shape, shapes[i]):
			r.Mismatched = append(r.Mismatched, Mismatch{File: t.Name, Model: p.Name, FileShape: t.Shape, ModelShape: shapes[i]})
			continue
		case t.Name != p.Name:
			r.Renamed = append(r.Renamed, opt.Prefix+t.Name+" -> "+p.Name)
		}
		r.Loaded = append(r.Loaded, p.Name)
		loaded[p.Tensor] = true
	}
	taken := map[*Tensor]bool{}
	for i, p := range params {
		if from[i] != nil {
			taken[from[i]] = true
		} else if !loaded[p.Tensor] {
			r.Missing = append(r.Missing, Entry{p.Name, shapes[i]})
		}
	}
	for _, t := range file {
		if !taken[t] {
			r.Unexpected = append(r.Unexpected, Entry{opt.Prefix + t.Name, t.Shape})
		}
	}
	if opt.Strict && !r.Complete() {
		return r, &LoadError{Report: r}
	}
	for i, p := range params {
		if t := from[i]; t != nil && slices.Equal(t.Shape, shapes[i]) {
			if err := copyInto(p.Tensor, t); err != nil {
				return r, fmt.Errorf("weights: load %s: %w", p.Name, err)
			}
		}
	}
	return r, nil
}

// indexParams returns each parameter's index by name, and its shape.
func indexParams(params []torch.Param) (map[string]int, [][]int64, error) {
	shapes := make([][]int64, len(params))
	index := map[string]int{}
	for i, p := range params {
		if _, dup := index[p.Name]; dup {
			return nil, nil, fmt.Errorf("weights: load: the model names two tensors %s", p.Name)
		}
		index[p.Name] = i
		s, err := torch.Shape(p.Tensor)
		if err != nil {
			return nil, nil, fmt.Errorf("weights: load: %s: %w", p.Name, err)
		}
		shapes[i] = s
	}
	return index, shapes, nil
}

// match gives each model tensor (by index) the file tensor that fills it:
// the one of the same name, or else the first, in file order, whose
// rename names it.
func match(file []*Tensor, index map[string]int, renames []Rename) []*Tensor {
	from := make([]*Tensor, len(index))
	used := map[*Tensor]bool{}
	for _, t := range file {
		if i, ok := index[t.Name]; ok {
			from[i], used[t] = t, true
		}
	}
	for _, t := range file {
		if used[t] {
			continue
		}
		for _, name := range candidates(t.Name, renames)[1:] {
			if i, ok := index[name]; ok && from[i] == nil {
				from[i], used[t] = t, true
				break
			}
		}
	}
	return from
}

// copyInto copies t's values into dst, on dst's device, without gradient.
func copyInto(dst *torch.Tensor, t *Tensor) (err error) {
	defer tensor.Catch(&err, "copy")
	device := tensor.Val(dst.Device())
	src := tensor.Must(tensor.Float32(t.Values, t.Shape, device))
	defer src.MustDrop()
	tensor.NoGrad(func() { dst.Copy_(src) })
	return nil
}
