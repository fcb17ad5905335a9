package weights

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
)

// A torch.save file (PyTorch 1.6 and later) is a zip archive:
//
//	sd/data.pkl      the pickled object: a dict whose tensors refer to storages
//	sd/data/0        storage "0": raw little-endian elements
//	sd/data/1        ...
//	sd/version       "3"
//	sd/byteorder     "little" (absent before PyTorch 2.1: little)
//
// The folder name varies ("archive" since PyTorch 2.0). A TorchScript
// archive (torch.jit.save, and torchrnn's own model.pt) also has
// constants.pkl and code/: it is not a state_dict.

// Limits on a damaged or hostile file.
const (
	maxPickle = 1 << 30 // bytes of data.pkl
	maxDepth  = 64      // nesting of dicts and lists
	maxVisits = 1 << 20 // dict and list entries walked while naming tensors
)

// errTorchScript is ReadTorch's error for a TorchScript archive, which
// ReadFile reads through libtorch instead.
var errTorchScript = errors.New("a TorchScript archive (torch.jit.save, or a torchrnn run's model.pt), not a torch.save state_dict: ReadFile reads it through libtorch")

// storageRef is a storage named by a persistent id: ('storage', type, key,
// location, numel).
type storageRef struct {
	dtype DType
	key   string
	numel int64
	data  []float32 // read on first use
}

// tensorRef is what _rebuild_tensor_v2 makes: a view of a storage.
type tensorRef struct {
	storage       *storageRef
	offset        int64
	shape, stride []int64
}

// storageTypes maps torch's storage classes to element types.
var storageTypes = map[string]DType{
	"FloatStorage": F32, "DoubleStorage": F64, "HalfStorage": F16, "BFloat16Storage": BF16,
	"LongStorage": I64, "IntStorage": I32, "ShortStorage": I16, "CharStorage": I8,
	"ByteStorage": U8, "BoolStorage": Bool, "UntypedStorage": U8,
}

// ReadTorch reads the tensors of a torch.save file held in r (size bytes):
// a state_dict, or any dict (a checkpoint {"model": state_dict, "epoch": 3,
// ...}) whose nested dicts and lists hold tensors, named by their keys
// joined with dots ("model.fc.weight"; list items by index). Numbers,
// strings and other values are left out. No code in the file runs.
func ReadTorch(r io.ReaderAt, size int64) (*StateDict, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		if isLegacy(r) {
			return nil, fmt.Errorf("weights: a torch.save file in the legacy format (PyTorch before 1.6, or _use_new_zipfile_serialization=False): save it again with a recent PyTorch")
		}
		return nil, fmt.Errorf("weights: not a torch.save zip archive: %w", err)
	}
	a, err := openArchive(zr, size)
	if err != nil {
		return nil, fmt.Errorf("weights: %w", err)
	}
	sd, err := a.read()
	if err != nil {
		return nil, fmt.Errorf("weights: %s: %w", a.prefix+"data.pkl", err)
	}
	return sd, nil
}

// isLegacy reports whether r starts as a pre-1.6 torch.save file: a pickled
// magic number (PROTO 2, LONG1 10 bytes 0x1950a86a20f9469cfc6c).
func isLegacy(r io.ReaderAt) bool {
	head := make([]byte, 5)
	_, err := r.ReadAt(head, 0)
	return err == nil && bytes.Equal(head, []byte{0x80, 0x02, 0x8a, 0x0a, 0x6c})
}

// archive is an open torch.save zip.
type archive struct {
	size      int64
	prefix    string // "sd/"
	records   map[string]*zip.File
	bigEndian bool
	storages  map[string]*storageRef
	budget    int64 // elements the tensors may still hold: views can repeat a storage, not without bound
}

func openArchive(zr *zip.Reader, size int64) (*archive, error) {
	a := &archive{size: size, records: map[string]*zip.File{}, storages: map[string]*storageRef{}, budget: 8*size + 1<<20}
	for _, f := range zr.File {
		a.records[f.Name] = f
		if dir, ok := strings.CutSuffix(f.Name, "/data.pkl"); ok && !strings.Contains(dir, "/") {
			if a.prefix != "" {
				return nil, fmt.Errorf("the archive holds two pickles (%sdata.pkl and %s)", a.prefix, f.Name)
			}
			a.prefix = dir + "/"
		}
	}
	if a.prefix == "" {
		return nil, fmt.Errorf("a zip archive without data.pkl: not a torch.save file")
	}
	if a.records[a.prefix+"constants.pkl"] != nil {
		return nil, errTorchScript
	}
	if f := a.records[a.prefix+"byteorder"]; f != nil {
		b, err := a.readRecord(f, 16)
		if err != nil {
			return nil, err
		}
		switch string(b) {
		case "little":
		case "big":
			a.bigEndian = true
		default:
			return nil, fmt.Errorf("%s: byte order %q", f.Name, b)
		}
	}
	return a, nil
}

// readRecord reads a whole record of at most limit bytes. Memory grows with
// the bytes actually read, never with a size the archive claims.
func (a *archive) readRecord(f *zip.File, limit int64) ([]byte, error) {
	if f.UncompressedSize64 > uint64(limit) {
		return nil, fmt.Errorf("%s: %d bytes, more than %d", f.Name, f.UncompressedSize64, limit)
	}
	if f.Method != zip.Store && f.UncompressedSize64 > 1032*f.CompressedSize64+64 {
		return nil, fmt.Errorf("%s: %d bytes from %d compressed: more than deflate can pack", f.Name, f.UncompressedSize64, f.CompressedSize64)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.Name, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.Name, err)
	}
	if uint64(len(b)) != f.UncompressedSize64 {
		return nil, fmt.Errorf("%s: %d bytes, the archive says %d", f.Name, len(b), f.UncompressedSize64)
	}
	return b, nil
}

// read unpickles data.pkl and resolves its tensors.
func (a *archive) read() (*StateDict, error) {
	f := a.records[a.prefix+"data.pkl"]
	prog, err := a.readRecord(f, min(maxPickle, max(a.size, 1)*1032))
	if err != nil {
		return nil, err
	}
	u := &unpickler{data: prog, persistentLoad: a.persistentLoad, call: callTorch}
	v, err := u.load()
	if err != nil {
		return nil, err
	}
	sd := &StateDict{}
	seen := map[string]bool{}
	w := walker{visits: maxVisits, skipped: &sd.Skipped}
	err = w.walk(v, "", 0, func(name string, t *tensorRef) error {
		values, err := a.values(t)
		if err != nil {
			return fmt.Errorf("tensor %s: %w", name, err)
		}
		return sd.addUnique(Tensor{Name: name, DType: t.storage.dtype, Shape: t.shape, Values: values}, seen)
	})
	return sd, err
}

// persistentLoad resolves ('storage', class, key, location, numel).
func (a *archive) persistentLoad(pid any) (any, error) {
	t, ok := pid.(pyTuple)
	if !ok || len(t) != 5 || t[0] != "storage" {
		return nil, fmt.Errorf("persistent id %s: want ('storage', class, key, location, numel)", typeName(pid))
	}
	class, ok1 := t[1].(pyGlobal)
	key, ok2 := t[2].(string)
	n, ok3 := t[4].(int64)
	if !ok1 || !ok2 || !ok3 || n < 0 {
		return nil, fmt.Errorf("persistent id: want ('storage', class, key, location, numel)")
	}
	dtype, known := storageTypes[class.name]
	if class.module != "torch" || !known {
		return nil, fmt.Errorf("storage class %s.%s: this reader knows float, double, half, bfloat16, integer and bool storages", class.module, class.name)
	}
	if s, ok := a.storages[key]; ok {
		if s.dtype != dtype || s.numel != n {
			return nil, fmt.Errorf("storage %s is %d %s here and %d %s before", key, n, dtype, s.numel, s.dtype)
		}
		return s, nil
	}
	s := &storageRef{dtype: dtype, key: key, numel: n}
	a.storages[key] = s
	return s, nil
}

// storage reads and decodes a storage record once.
func (a *archive) storage(s *storageRef) ([]float32, error) {
	if s.data != nil {
		return s.data, nil
	}
	name := a.prefix + "data/" + s.key
	f := a.records[name]
	if f == nil {
		return nil, fmt.Errorf("storage %s: no record %s", s.key, name)
	}
	size := int64(s.dtype.size())
	if s.numel > math.MaxInt64/size || uint64(s.numel*size) != f.UncompressedSize64 {
		return nil, fmt.Errorf("storage %s: %d %s elements need %d bytes, the record has %d", s.key, s.numel, s.dtype, s.numel*size, f.UncompressedSize64)
	}
	// A stored record's bytes lie in the file; a compressed one is read
	// first, so a false size cannot make a large allocation.
	var raw []byte
	if f.Method != zip.Store || f.CompressedSize64 != f.UncompressedSize64 || int64(f.UncompressedSize64) > a.size {
		b, err := a.readRecord(f, int64(f.UncompressedSize64))
		if err != nil {
			return nil, err
		}
		raw = b
	}
	data := make([]float32, s.numel)
	if err := a.decode(f, raw, s.dtype, data); err != nil {
		return nil, fmt.Errorf("storage %s: %w", s.key, err)
	}
	s.data = data
	return data, nil
}

// decode fills dst from raw, or streams the record when raw is nil.
func (a *archive) decode(f *zip.File, raw []byte, dtype DType, dst []float32) error {
	size := dtype.size()
	if raw != nil {
		a.convert(dtype, dst, raw)
		return nil
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	buf := make([]byte, 1<<16-(1<<16)%size)
	for done := 0; done < len(dst); {
		n := min(len(buf)/size, len(dst)-done)
		if _, err := io.ReadFull(rc, buf[:n*size]); err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
		a.convert(dtype, dst[done:done+n], buf[:n*size])
		done += n
	}
	_, err = io.Copy(io.Discard, rc) // reads to the end, where zip checks the CRC
	return err
}

// convert decodes elements in the archive's byte order.
func (a *archive) convert(dtype DType, dst []float32, src []byte) {
	if a.bigEndian {
		size := dtype.size()
		for i := 0; i+size <= len(src); i += size {
			for l, r := i, i+size-1; l < r; l, r = l+1, r-1 {
				src[l], src[r] = src[r], src[l]
			}
		}
	}
	dtype.decode(dst, src)
}
