#!/usr/bin/env python3
"""Write the PyTorch golden fixtures the Go RNN/LSTM/GRU code is tested against.

Run from the repository root:

    /usr/bin/python3 lstm/testdata/gen_fixtures.py [file.json ...]

Writes rnn.json, state.json, embedding.json, classifier.json, lm.json and
attnpool.json next to this file, or only the files named.
Everything is float32 on CPU with fixed seeds and one thread, so two runs give
byte-identical files. Tensors are {"shape": [...], "data": [flat row-major]};
floats are the exact float32 values printed as float64 reprs.
"""

import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

OUT_DIR = os.path.dirname(os.path.abspath(__file__))
CELLS = ["rnn_tanh", "rnn_relu", "lstm", "gru"]


def enc(t):
    """Tensor -> {"shape", "data"}; ints stay ints, floats keep float32 precision."""
    t = t.detach().cpu().contiguous()
    return {"shape": list(t.shape), "data": t.reshape(-1).tolist()}


def named(name, t):
    return {"name": name, **enc(t)}


def make_rnn(cell, input_size, hidden, layers, bi):
    kw = dict(num_layers=layers, bias=True, batch_first=True, dropout=0.0, bidirectional=bi)
    if cell == "lstm":
        return nn.LSTM(input_size, hidden, **kw)
    if cell == "gru":
        return nn.GRU(input_size, hidden, **kw)
    return nn.RNN(input_size, hidden, nonlinearity=cell[len("rnn_"):], **kw)


def params_and_grads(model):
    """named_parameters() order; equals state_dict() order when no weights are tied."""
    ps = [named(n, p) for n, p in model.named_parameters()]
    gs = [named(n, p.grad) for n, p in model.named_parameters()]
    return ps, gs


def leaf(*shape):
    return torch.randn(*shape).requires_grad_()


def write(name, top):
    """One top-level key per line, one case per line: small diffs, modest size."""
    lines = []
    for k, v in top.items():
        if k == "cases":
            body = ",\n".join(json.dumps(c, separators=(",", ":")) for c in v)
            lines.append('"cases":[\n' + body + "\n]")
        else:
            lines.append(json.dumps(k) + ":" + json.dumps(v, separators=(",", ":")))
    path = os.path.join(OUT_DIR, name)
    with open(path, "w") as f:
        f.write("{\n" + ",\n".join(lines) + "\n}\n")
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")


def rnn_case(seed, cell, layers, bi, mode, I=5, H=4, lengths=None, name=None):
    """lengths (packed mode) default to [4, 6, 2]; T is their maximum."""
    if lengths is None:
        lengths = [6, 6, 6] if mode == "padded" else [4, 6, 2]
    B, T = len(lengths), max(lengths)
    D = 2 if bi else 1
    torch.manual_seed(seed)
    rnn = make_rnn(cell, I, H, layers, bi)
    x, h0 = leaf(B, T, I), leaf(layers * D, B, H)
    c0 = leaf(layers * D, B, H) if cell == "lstm" else None
    wo, wh = torch.randn(B, T, D * H), torch.randn(layers * D, B, H)
    wc = torch.randn(layers * D, B, H) if cell == "lstm" else None

    state = (h0, c0) if cell == "lstm" else h0
    if mode == "packed":
        # [B, T, I] -> PackedSequence; h0 is given in the caller's batch order.
        packed = pack_padded_sequence(x, torch.tensor(lengths), batch_first=True,
                                      enforce_sorted=False)
        out, hn = rnn(packed, state)
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=T)  # [B, T, D*H]
    else:
        out, hn = rnn(x, state)
    hn, cn = hn if cell == "lstm" else (hn, None)

    loss = (out * wo).sum() + (hn * wh).sum()
    if cn is not None:
        loss = loss + (cn * wc).sum()
    loss.backward()

    params, grads = params_and_grads(rnn)
    c = {
        "name": name or f"{cell}_l{layers}_{'bi' if bi else 'uni'}_{mode}",
        "seed": seed, "cell": cell, "layers": layers, "bidirectional": bi, "mode": mode,
        "input_size": I, "hidden": H, "batch": B, "T": T, "lengths": lengths,
        "params": params, "x": enc(x), "h0": enc(h0),
    }
    if c0 is not None:
        c["c0"] = enc(c0)
    c.update({"wo": enc(wo), "wh": enc(wh)})
    if wc is not None:
        c["wc"] = enc(wc)
    c.update({"output": enc(out), "h_n": enc(hn)})
    if cn is not None:
        c["c_n"] = enc(cn)
    c.update({"loss": loss.item(), "grads": grads, "grad_x": enc(x.grad),
              "grad_h0": enc(h0.grad)})
    if c0 is not None:
        c["grad_c0"] = enc(c0.grad)
    return c


def gen_rnn():
    cases, seed = [], 100
    for cell in CELLS:
        for layers in (1, 2):
            for bi in (False, True):
                for mode in ("padded", "packed"):
                    cases.append(rnn_case(seed, cell, layers, bi, mode))
                    seed += 1
    write("rnn.json", {"torch_version": torch.__version__, "cases": cases})


def gen_state():
    """LSTM final states (h_n and c_n) of packed batches whose lengths differ,
    tie, and reach from 1 to T: every strategy must give PyTorch's c_n."""
    lengths = [7, 3, 1, 5, 3, 6]
    cases, seed = [], 500
    for layers in (1, 2):
        for bi in (False, True):
            name = f"lstm_l{layers}_{'bi' if bi else 'uni'}_state"
            cases.append(rnn_case(seed, "lstm", layers, bi, "packed", I=3, H=4, lengths=lengths, name=name))
            seed += 1
    write("state.json", {"torch_version": torch.__version__, "cases": cases})


def gen_embedding():
    V, E = 10, 4
    torch.manual_seed(200)
    emb = nn.Embedding(V, E, padding_idx=0)
    ids = torch.tensor([[3, 0, 7, 0, 9], [0, 1, 3, 4, 0], [2, 8, 0, 5, 6]])  # [B, T] int64
    out = emb(ids)  # [B, T] -> [B, T, E]
    w = torch.randn(out.shape)
    loss = (out * w).sum()
    loss.backward()
    assert emb.weight[0].abs().sum() == 0 and emb.weight.grad[0].abs().sum() == 0
    write("embedding.json", {
        "torch_version": torch.__version__, "seed": 200, "V": V, "E": E, "padding_idx": 0,
        "weight": enc(emb.weight), "ids": enc(ids), "output": enc(out), "w": enc(w),
        "loss": loss.item(), "grad_weight": enc(emb.weight.grad),
    })


class Classifier(nn.Module):
    def __init__(self, V, E, H, layers, cell, bi, F, n_out):
        super().__init__()
        self.embedding = nn.Embedding(V, E, padding_idx=0)
        self.rnn = make_rnn(cell, E, H, layers, bi)  # batch_first=True, dropout 0
        self.fc1 = nn.Linear(H * (2 if bi else 1), F)
        self.fc2 = nn.Linear(F, n_out)

    def forward(self, ids, lengths, pooling):
        T = ids.shape[1]
        bi = self.rnn.bidirectional  # not in scope otherwise
        emb = self.embedding(ids)                       # [B,T,E]
        packed = pack_padded_sequence(emb, lengths, batch_first=True, enforce_sorted=False)
        out, h = self.rnn(packed)
        hn = h[0] if isinstance(h, tuple) else h        # [L*D,B,H]
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=T)  # [B,T,D*H]
        mask = torch.arange(T)[None, :] < lengths[:, None]                    # [B,T]
        if pooling == "last":
            feat = torch.cat([hn[-2], hn[-1]], 1) if bi else hn[-1]
        elif pooling == "mean":
            feat = (out * mask[..., None]).sum(1) / lengths[:, None].float()
        else:  # "max"
            feat = out.masked_fill(~mask[..., None], float("-inf")).max(1).values
        return self.fc2(torch.relu(self.fc1(feat)))


def classifier_case(seed, cell, layers, bi, pooling, n_out):
    V, E, H, Fd, B, T = 12, 5, 4, 6, 4, 7
    lengths = torch.tensor([5, 7, 2, 4])
    torch.manual_seed(seed)
    model = Classifier(V, E, H, layers, cell, bi, Fd, n_out)
    ids = torch.randint(1, V, (B, T))
    ids[torch.arange(T)[None, :] >= lengths[:, None]] = 0  # padding positions -> 0
    logits = model(ids, lengths, pooling)  # [B, n_out]
    if n_out == 1:
        labels = torch.randint(0, 2, (B,)).float()
        loss = F.binary_cross_entropy_with_logits(logits.squeeze(1), labels)
    else:
        labels = torch.randint(0, n_out, (B,))
        loss = F.cross_entropy(logits, labels)
    loss.backward()
    params, grads = params_and_grads(model)
    return {
        "name": f"{cell}_l{layers}_{'bi' if bi else 'uni'}_{pooling}_out{n_out}",
        "seed": seed, "cell": cell, "layers": layers, "bidirectional": bi,
        "pooling": pooling, "n_out": n_out, "loss_kind": "bce" if n_out == 1 else "ce",
        "V": V, "E": E, "H": H, "F": Fd, "ids": enc(ids), "lengths": lengths.tolist(),
        "labels": enc(labels), "params": params, "logits": enc(logits),
        "loss": loss.item(), "grads": grads,
    }


def gen_classifier():
    specs = [  # cell, layers, bi, pooling, n_out
        ("lstm", 1, False, "last", 1),
        ("lstm", 1, False, "mean", 1),
        ("lstm", 1, False, "max", 1),
        ("lstm", 2, True, "last", 1),
        ("gru", 1, True, "max", 3),
        ("rnn_tanh", 1, False, "mean", 1),
    ]
    cases = [classifier_case(300 + i, *s) for i, s in enumerate(specs)]
    write("classifier.json", {"torch_version": torch.__version__, "cases": cases})


class AttentionPool(nn.Module):
    """Additive attention pooling: a_t = softmax_t(c . tanh(W h_t + b)) over the real steps."""

    def __init__(self, size):
        super().__init__()
        self.proj = nn.Linear(size, size)
        self.context = nn.Linear(size, 1, bias=False)

    def forward(self, out, mask):                       # [B,T,S], [B,T] bool
        e = self.context(torch.tanh(self.proj(out))).squeeze(2)        # [B,T]
        a = torch.softmax(e.masked_fill(~mask, float("-inf")), 1)      # 0 at padding
        return torch.bmm(a.unsqueeze(1), out).squeeze(1), a            # [B,S], [B,T]


class AttnClassifier(nn.Module):
    """Classifier with attention pooling; the pool sits between rnn and fc1."""

    def __init__(self, V, E, H, layers, cell, bi, F, n_out):
        super().__init__()
        S = H * (2 if bi else 1)
        self.embedding = nn.Embedding(V, E, padding_idx=0)
        self.rnn = make_rnn(cell, E, H, layers, bi)
        self.pool = AttentionPool(S)
        self.fc1 = nn.Linear(S, F)
        self.fc2 = nn.Linear(F, n_out)

    def forward(self, ids, lengths):
        T = ids.shape[1]
        packed = pack_padded_sequence(self.embedding(ids), lengths, batch_first=True, enforce_sorted=False)
        out, _ = self.rnn(packed)
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=T)  # [B,T,S]
        mask = torch.arange(T)[None, :] < lengths[:, None]
        feat, weights = self.pool(out, mask)
        return self.fc2(torch.relu(self.fc1(feat))), weights


def attnpool_case(seed, cell, layers, bi, n_out):
    V, E, H, Fd, B, T = 12, 5, 4, 6, 4, 7
    lengths = torch.tensor([5, 7, 1, 4])
    torch.manual_seed(seed)
    model = AttnClassifier(V, E, H, layers, cell, bi, Fd, n_out)
    ids = torch.randint(1, V, (B, T))
    ids[torch.arange(T)[None, :] >= lengths[:, None]] = 0
    logits, weights = model(ids, lengths)
    if n_out == 1:
        labels = torch.randint(0, 2, (B,)).float()
        loss = F.binary_cross_entropy_with_logits(logits.squeeze(1), labels)
    else:
        labels = torch.randint(0, n_out, (B,))
        loss = F.cross_entropy(logits, labels)
    loss.backward()
    params, grads = params_and_grads(model)
    return {
        "name": f"{cell}_l{layers}_{'bi' if bi else 'uni'}_attention_out{n_out}",
        "seed": seed, "cell": cell, "layers": layers, "bidirectional": bi,
        "pooling": "attention", "n_out": n_out, "loss_kind": "bce" if n_out == 1 else "ce",
        "V": V, "E": E, "H": H, "F": Fd, "ids": enc(ids), "lengths": lengths.tolist(),
        "labels": enc(labels), "params": params, "logits": enc(logits), "weights": enc(weights),
        "loss": loss.item(), "grads": grads,
    }


def gen_attnpool():
    specs = [("lstm", 1, False, 1), ("lstm", 2, True, 3), ("gru", 1, True, 1), ("rnn_tanh", 1, False, 3)]
    cases = [attnpool_case(500 + i, *s) for i, s in enumerate(specs)]
    write("attnpool.json", {"torch_version": torch.__version__, "cases": cases})


class LM(nn.Module):
    def __init__(self, V, E, H, layers, cell, tie):
        super().__init__()
        self.encoder = nn.Embedding(V, E)
        self.rnn = make_rnn(cell, E, H, layers, False)   # batch_first=True
        self.decoder = nn.Linear(H, V)
        if tie:
            self.decoder.weight = self.encoder.weight   # requires E == H

    def forward(self, ids, state):
        out, state = self.rnn(self.encoder(ids), state)  # dropout 0
        return self.decoder(out), state                  # [B,T,V]


def lm_case(seed, cell, layers, tie, V, E, H):
    B, T = 2, 5
    torch.manual_seed(seed)
    model = LM(V, E, H, layers, cell, tie)
    ids, targets = torch.randint(0, V, (B, T)), torch.randint(0, V, (B, T))
    h0 = leaf(layers, B, H)
    c0 = leaf(layers, B, H) if cell == "lstm" else None
    logits, state = model(ids, (h0, c0) if c0 is not None else h0)
    hn, cn = state if cell == "lstm" else (state, None)
    loss = F.cross_entropy(logits.reshape(-1, V), targets.reshape(-1))  # [B*T, V], [B*T]
    loss.backward()
    params, grads = params_and_grads(model)
    c = {
        "name": f"{cell}_l{layers}_{'tied' if tie else 'untied'}",
        "seed": seed, "cell": cell, "layers": layers, "tie": tie, "V": V, "E": E, "H": H,
        "ids": enc(ids), "targets": enc(targets), "h0": enc(h0),
    }
    if c0 is not None:
        c["c0"] = enc(c0)
    c.update({"state_dict_keys": list(model.state_dict().keys()), "params": params,
              "logits": enc(logits), "h_n": enc(hn)})
    if cn is not None:
        c["c_n"] = enc(cn)
    c.update({"loss": loss.item(), "grads": grads, "grad_h0": enc(h0.grad)})
    if c0 is not None:
        c["grad_c0"] = enc(c0.grad)
    return c


def gen_lm():
    cases = [
        lm_case(400, "lstm", 2, False, V=11, E=5, H=4),
        lm_case(401, "gru", 1, True, V=11, E=4, H=4),
    ]
    write("lm.json", {"torch_version": torch.__version__, "cases": cases})


GENERATORS = {"rnn.json": gen_rnn, "state.json": gen_state, "embedding.json": gen_embedding,
              "classifier.json": gen_classifier, "lm.json": gen_lm, "attnpool.json": gen_attnpool}


def main():
    names = sys.argv[1:] or list(GENERATORS)
    unknown = [n for n in names if n not in GENERATORS]
    if unknown:
        sys.exit(f"unknown fixture file(s) {unknown}: want some of {list(GENERATORS)}")
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    torch.set_default_dtype(torch.float32)
    for n in names:
        GENERATORS[n]()


if __name__ == "__main__":
    main()
