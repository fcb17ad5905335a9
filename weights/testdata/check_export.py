#!/usr/bin/env python3
"""Load torchrnn's .safetensors exports into PyTorch modules and compare
logits with torchrnn's. Run by weights' TestPyTorchLoadsExport:

    /usr/bin/python3 weights/testdata/check_export.py DIR

DIR holds cases.json (a list of cases: file, kind, shape, ids, lengths and
torchrnn's logits) and each case's .safetensors file. The file is read by
the format's definition (8-byte little-endian header length, JSON header,
raw little-endian data): the safetensors package is not in Debian. Each
module takes the weights with load_state_dict(strict=True). Prints one line
per case with the largest difference; exits 1 when one passes 1e-5.
"""

import json
import os
import struct
import sys

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence

from gen_fixtures import make_rnn  # the same module per cell as the fixtures

DTYPES = {"F32": torch.float32, "F64": torch.float64, "F16": torch.float16, "BF16": torch.bfloat16,
          "I64": torch.int64, "I32": torch.int32}


def load_file(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__", {})
    body = data[8 + n:]
    out = {}
    for name, info in header.items():
        lo, hi = info["data_offsets"]
        t = torch.frombuffer(bytearray(body[lo:hi]), dtype=DTYPES[info["dtype"]])
        out[name] = t.reshape(info["shape"]).clone()
    return out, meta


class Classifier(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embedding = nn.Embedding(c["vocab"], c["embed"], padding_idx=c["pad_id"])
        self.rnn = make_rnn(c["cell"], c["embed"], c["hidden"], c["layers"], c["bidirectional"])
        self.fc1 = nn.Linear(c["hidden"] * (2 if c["bidirectional"] else 1), c["head"])
        self.fc2 = nn.Linear(c["head"], 1 if c["classes"] == 2 else c["classes"])

    def forward(self, ids, lengths):
        packed = pack_padded_sequence(self.embedding(ids), lengths, batch_first=True, enforce_sorted=False)
        _, h = self.rnn(packed)
        h = h[0] if isinstance(h, tuple) else h  # [layers*D, B, H]
        feat = torch.cat([h[-2], h[-1]], 1) if self.rnn.bidirectional else h[-1]
        return self.fc2(torch.relu(self.fc1(feat)))


class LM(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.encoder = nn.Embedding(c["vocab"], c["embed"])
        self.rnn = make_rnn(c["cell"], c["embed"], c["hidden"], c["layers"], False)
        self.decoder = nn.Linear(c["hidden"], c["vocab"])
        if c["tie"]:
            self.decoder.weight = self.encoder.weight

    def forward(self, ids, lengths):
        out, _ = self.rnn(self.encoder(ids))
        return self.decoder(out)


def main():
    torch.set_num_threads(1)
    folder = sys.argv[1]
    with open(os.path.join(folder, "cases.json")) as f:
        cases = json.load(f)
    worst = 0.0
    for c in cases:
        model = (Classifier if c["kind"] == "classify" else LM)(c["model"]).eval()
        sd, meta = load_file(os.path.join(folder, c["file"]))
        model.load_state_dict(sd, strict=True)  # raises on any missing or unexpected key
        ids = torch.tensor(c["ids"]["data"]).reshape(c["ids"]["shape"])
        with torch.no_grad():
            logits = model(ids, torch.tensor(c["lengths"] or []))
        want = torch.tensor(c["logits"]["data"]).reshape(c["logits"]["shape"])
        d = (logits - want).abs().max().item()
        worst = max(worst, d)
        print(f"{c['file']}: strict load ok, metadata {meta}, max |PyTorch - torchrnn| = {d:.3g}")
    sys.exit(1 if worst > 1e-5 else 0)


if __name__ == "__main__":
    main()
