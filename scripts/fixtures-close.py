"""fixtures-close.py A B: exit 0 when the fixture files A and B (a torch.save
file or JSON) hold the same structure, names, shapes and dtypes, and numbers
equal within 1e-5 relative and 1e-6 absolute; else print the first
difference and exit 1. pytorch-check.sh uses it where a regenerated fixture
is not equal byte for byte: PyTorch's CPU kernels round differently on
different processors (AVX2 vs AVX-512), in the last bits only."""
import json
import math
import sys

import torch


def close(a, b, where):
    if torch.is_tensor(a) or torch.is_tensor(b):
        if not (torch.is_tensor(a) and torch.is_tensor(b)):
            return f"{where}: a tensor and a {type(b).__name__}"
        if a.dtype != b.dtype or a.shape != b.shape:
            return f"{where}: {a.dtype}{list(a.shape)} vs {b.dtype}{list(b.shape)}"
        if a.is_floating_point():
            if not torch.allclose(a, b, rtol=1e-5, atol=1e-6, equal_nan=True):
                return f"{where}: max |diff| {(a - b).abs().max().item():.3g}"
        elif not torch.equal(a, b):
            return f"{where}: integer values differ"
        return None
    if isinstance(a, dict) and isinstance(b, dict):
        if list(a.keys()) != list(b.keys()):
            return f"{where}: keys {list(a.keys())} vs {list(b.keys())}"
        for k in a:
            d = close(a[k], b[k], f"{where}.{k}")
            if d:
                return d
        return None
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        if len(a) != len(b):
            return f"{where}: {len(a)} vs {len(b)} items"
        for i, (x, y) in enumerate(zip(a, b)):
            d = close(x, y, f"{where}[{i}]")
            if d:
                return d
        return None
    if isinstance(a, float) or isinstance(b, float):
        if not (isinstance(a, (int, float)) and isinstance(b, (int, float))):
            return f"{where}: {a!r} vs {b!r}"
        if math.isnan(a) and math.isnan(b):
            return None
        if abs(a - b) > 1e-6 + 1e-5 * abs(b):
            return f"{where}: {a!r} vs {b!r}"
        return None
    return None if a == b else f"{where}: {a!r} vs {b!r}"


def load(path):
    if path.endswith(".json"):
        with open(path) as f:
            return json.load(f)
    return torch.load(path, map_location="cpu")


if __name__ == "__main__":
    a, b = sys.argv[1], sys.argv[2]
    diff = close(load(a), load(b), "")
    if diff:
        print(f"{b}{diff}")
        sys.exit(1)
