#!/usr/bin/env python3
"""Write the PyTorch files the weights package is tested against.

Run from the repository root (Debian's python3-torch):

    /usr/bin/python3 weights/testdata/gen_fixtures.py [DIR]

Writes next to this file (or into DIR, which scripts/pytorch-check.sh
compares with the committed files):

  classifier_<cell>.pt      torch.save(model.state_dict()) of a classifier
                            (embedding, 2-layer bidirectional recurrent
                            layer, fc1, fc2) whose recurrent module is named
                            lstm, gru or recurrent: not torchrnn's "rnn"
  classifier_lstm.safetensors  the LSTM's state_dict as safetensors, written
                            here by hand (the safetensors package is not in
                            Debian): header padded to 8 bytes, keys sorted
  checkpoint.pt             {"model": state_dict, "epoch": 3, "optimizer":
                            Adam's state_dict} of the GRU classifier
  lm_tied.pt                a language model whose decoder shares the
                            encoder's weight (one storage, two names)
  misc.pt                   views with offsets and strides, float64, float16,
                            bfloat16, int64, bool, nested dicts and lists
  protocol4.pt, protocol5.pt  {"w": the first two rows of misc's base} in
                            pickle protocols 4 and 5
  legacy.pt                 the same in the pre-1.6 format (refused)
  fixtures.json             inputs, logits and the values misc.pt must give

Fixed seeds, one thread, float32: two runs write the same numbers.
"""

import json
import os
import struct
import sys

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
V, E, H, F, LAYERS = 12, 5, 4, 6, 2


def make_rnn(cell, input_size, hidden, layers, bi):
    kw = dict(num_layers=layers, batch_first=True, bidirectional=bi)
    if cell == "lstm":
        return nn.LSTM(input_size, hidden, **kw)
    if cell == "gru":
        return nn.GRU(input_size, hidden, **kw)
    return nn.RNN(input_size, hidden, nonlinearity=cell[len("rnn_"):], **kw)


class Classifier(nn.Module):
    """torchrnn's classifier with "last" pooling, the recurrent module
    under the attribute name given."""

    def __init__(self, cell, rnn_name, n_out, bi=True):
        super().__init__()
        self.rnn_name = rnn_name
        self.embedding = nn.Embedding(V, E, padding_idx=0)
        setattr(self, rnn_name, make_rnn(cell, E, H, LAYERS, bi))
        self.fc1 = nn.Linear(H * (2 if bi else 1), F)
        self.fc2 = nn.Linear(F, n_out)

    def forward(self, ids, lengths):
        rnn = getattr(self, self.rnn_name)
        packed = pack_padded_sequence(self.embedding(ids), lengths, batch_first=True, enforce_sorted=False)
        _, h = rnn(packed)
        h = h[0] if isinstance(h, tuple) else h  # [layers*D, B, H]
        feat = torch.cat([h[-2], h[-1]], 1) if rnn.bidirectional else h[-1]
        return self.fc2(torch.relu(self.fc1(feat)))


class LM(nn.Module):
    def __init__(self, cell, V, E):
        super().__init__()
        self.encoder = nn.Embedding(V, E)
        self.rnn = make_rnn(cell, E, E, 1, False)
        self.decoder = nn.Linear(E, V)
        self.decoder.weight = self.encoder.weight

    def forward(self, ids):
        out, _ = self.rnn(self.encoder(ids))
        return self.decoder(out)


def enc(t):
    t = t.detach().contiguous()
    return {"shape": list(t.shape), "data": t.reshape(-1).tolist()}


def write_safetensors(path, sd):
    """The safetensors layout: 8-byte little-endian header size, a JSON
    header (keys sorted, padded with spaces to 8 bytes), the raw data."""
    header, blobs, offset = {}, [], 0
    for name in sorted(sd):
        t = sd[name].detach().contiguous().float()
        raw = t.numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    header["__metadata__"] = {"format": "pt"}
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def save(name, obj):
    path = os.path.join(OUT, name)
    torch.save(obj, path)
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")


def main():
    torch.set_num_threads(1)
    torch.manual_seed(19)
    lengths = torch.tensor([5, 7, 2, 4])
    ids = torch.randint(1, V, (4, 7))
    ids[torch.arange(7)[None, :] >= lengths[:, None]] = 0  # padding
    fixtures = {"torch_version": torch.__version__, "V": V, "E": E, "H": H, "F": F, "layers": LAYERS,
                "ids": enc(ids), "lengths": lengths.tolist(), "classifiers": []}

    for cell, rnn_name, n_out in [("lstm", "lstm", 1), ("gru", "gru", 3), ("rnn_tanh", "recurrent", 1)]:
        model = Classifier(cell, rnn_name, n_out).eval()
        if cell == "gru":  # a training step, so that the optimizer state holds tensors too
            opt = torch.optim.Adam(model.parameters())
            model(ids, lengths).sum().backward()
            opt.step()
            save("checkpoint.pt", {"model": model.state_dict(), "epoch": 3, "optimizer": opt.state_dict()})
        with torch.no_grad():
            logits = model(ids, lengths)
        save(f"classifier_{cell}.pt", model.state_dict())
        if cell == "lstm":
            write_safetensors(os.path.join(OUT, "classifier_lstm.safetensors"), model.state_dict())
        fixtures["classifiers"].append({"cell": cell, "rnn_name": rnn_name, "classes": max(n_out, 2),
                                        "keys": list(model.state_dict().keys()), "logits": enc(logits)})

    lm = LM("gru", 9, 4).eval()
    lm_ids = torch.randint(0, 9, (2, 5))
    with torch.no_grad():
        lm_logits = lm(lm_ids)
    save("lm_tied.pt", lm.state_dict())
    fixtures["lm"] = {"cell": "gru", "V": 9, "E": 4, "keys": list(lm.state_dict().keys()),
                      "ids": enc(lm_ids), "logits": enc(lm_logits)}

    base = torch.arange(24, dtype=torch.float32).reshape(4, 6) / 8
    misc = {
        "transposed": base.t(),                  # strides (1, 6)
        "row": base[2],                          # storage offset 12
        "every_other": base[:, ::2],             # strides (6, 2)
        "f64": torch.tensor([[1.5, -2.25]], dtype=torch.float64),
        "f16": torch.tensor([0.5, -65504.0, 6e-8], dtype=torch.float16),
        "bf16": torch.tensor([1.0, -3.0e38], dtype=torch.bfloat16),
        "i64": torch.tensor([3, -4, 1 << 40]),
        "bool": torch.tensor([True, False]),
        "scalar": torch.tensor(7.0),
        "nested": {"list": [torch.ones(2), {"deep": torch.zeros(1, 1)}], "n": 5, "s": "text"},
    }
    save("misc.pt", misc)
    small = {"w": base[:2]}
    torch.save(small, os.path.join(OUT, "legacy.pt"), _use_new_zipfile_serialization=False)
    for proto in (4, 5):  # frames, MEMOIZE, SHORT_BINUNICODE, STACK_GLOBAL?
        torch.save(small, os.path.join(OUT, f"protocol{proto}.pt"), pickle_protocol=proto)
    fixtures["misc"] = {k: enc(v.float()) for k, v in misc.items() if torch.is_tensor(v)}
    fixtures["misc"]["nested.list.0"] = enc(misc["nested"]["list"][0])
    fixtures["misc"]["nested.list.1.deep"] = enc(misc["nested"]["list"][1]["deep"])

    path = os.path.join(OUT, "fixtures.json")
    with open(path, "w") as f:
        json.dump(fixtures, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    main()
