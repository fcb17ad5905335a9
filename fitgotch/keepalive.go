package fitgotch

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// keepAliveMark heads every file KeepAlive has rewritten.
const keepAliveMark = "// torchrnn fitgotch: tensor and scalar arguments are kept alive to the end of each call.\n"

// keepAliveImport is the name the rewritten files give package runtime (a
// name of their own: a file may import runtime already, or use the word).
const keepAliveImport = "torchrnnrt"

// KeepAlive rewrites the Go files of gotch's ts package in dir so that
// every function keeps its *Tensor, []*Tensor and *Scalar arguments (and
// receiver) reachable until it returns, and returns how many files it
// changed. gotch frees a tensor or scalar from a finalizer once Go holds no
// reference to it, but its ops hand libtorch bare C pointers: a tensor
// whose last use is as an op's argument (a temporary, or a model that
// nothing uses after its forward pass) can be freed by a garbage collection
// during the op, under the op. Each rewritten function starts with
//
//	defer func() { torchrnnrt.KeepAlive(ts); torchrnnrt.KeepAlive(other) }();
//
// on the line of its opening brace, so line numbers stay gotch's. Files
// already rewritten are left alone, so KeepAlive may run on a copy twice.
func KeepAlive(dir string) (changed int, err error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return 0, fmt.Errorf("fitgotch: keep alive: %w", err)
	}
	if len(files) == 0 {
		return 0, fmt.Errorf("fitgotch: keep alive: no Go files in %s", dir)
	}
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") || strings.HasPrefix(filepath.Base(path), "torchrnn_") {
			continue // tests, and the files the other fits add (which keep their own)
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return changed, fmt.Errorf("fitgotch: keep alive: %w", err)
		}
		if bytes.HasPrefix(src, []byte(keepAliveMark)) {
			continue
		}
		out, n, err := keepAliveFile(path, src)
		if err != nil {
			return changed, err
		}
		if n == 0 {
			continue
		}
		if err := writeAtomic(path, out); err != nil {
			return changed, err
		}
		changed++
	}
	return changed, nil
}

// keepAliveFile returns src with the keep-alive defers inserted and the
// number of functions that got one.
func keepAliveFile(path string, src []byte) ([]byte, int, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, 0, fmt.Errorf("fitgotch: keep alive: %w", err)
	}
	type insert struct {
		at   int
		text string
	}
	var ins []insert
	lastImport := f.Name.End() // a file without imports gets its own after the package clause
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.GenDecl:
			if d.Tok == token.IMPORT {
				lastImport = d.End()
			}
		case *ast.FuncDecl:
			names := keptArgs(d)
			if d.Body == nil || len(names) == 0 {
				continue
			}
			calls := make([]string, len(names))
			for i, n := range names {
				calls[i] = keepAliveImport + ".KeepAlive(" + n + ")"
			}
			text := " defer func() { " + strings.Join(calls, "; ") + " }();"
			ins = append(ins, insert{fset.Position(d.Body.Lbrace).Offset + 1, text})
		}
	}
	if len(ins) == 0 {
		return src, 0, nil
	}
	ins = append(ins, insert{fset.Position(lastImport).Offset, "\nimport " + keepAliveImport + " \"runtime\""})
	sort.Slice(ins, func(i, j int) bool { return ins[i].at < ins[j].at })
	var out bytes.Buffer
	out.WriteString(keepAliveMark)
	prev := 0
	for _, in := range ins {
		out.Write(src[prev:in.at])
		out.WriteString(in.text)
		prev = in.at
	}
	out.Write(src[prev:])
	return out.Bytes(), len(ins) - 1, nil
}

// keptArgs names fn's receiver and parameters of type *Tensor, []*Tensor,
// ...*Tensor or *Scalar.
func keptArgs(fn *ast.FuncDecl) []string {
	var fields []*ast.Field
	if fn.Recv != nil {
		fields = append(fields, fn.Recv.List...)
	}
	fields = append(fields, fn.Type.Params.List...)
	var names []string
	for _, field := range fields {
		if !heldByFinalizer(field.Type) {
			continue
		}
		for _, n := range field.Names {
			if n.Name != "_" {
				names = append(names, n.Name)
			}
		}
	}
	return names
}

// heldByFinalizer reports whether t is *Tensor or *Scalar, or a slice of
// either: what gotch frees from a finalizer.
func heldByFinalizer(t ast.Expr) bool {
	switch t := t.(type) {
	case *ast.ArrayType:
		return t.Len == nil && heldByFinalizer(t.Elt)
	case *ast.Ellipsis:
		return heldByFinalizer(t.Elt)
	case *ast.StarExpr:
		id, ok := t.X.(*ast.Ident)
		return ok && (id.Name == "Tensor" || id.Name == "Scalar")
	}
	return false
}
