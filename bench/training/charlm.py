#!/usr/bin/env python3
"""A character-level LSTM language model in PyTorch, one training epoch,
one evaluation and sampling, timed: the reference `training lm` (Go, this
folder) is measured against.

  charlm.py [--text FILE] [--chars N] [--threads N] [--sample N] ...

The model and training are those of `cmd/train -task lm` without dropout
(pytorch/examples' word_language_model at character level): embedding 64,
one LSTM layer of 256, a linear decoder; the first 90% of the text cut into
64 parallel streams, truncated backpropagation through windows of 100 steps
with the state carried across windows, Adam 2e-3, gradient norm clipped to
5; the last 10% is validation. The vocabulary is every character (<pad> 0,
<unk> 1, then by count, ties in order of first appearance), as torchrnn's.
Sampling feeds the prompt, then draws one character at a time from
softmax(logits / temperature), never <pad> or <unk>, as cmd/generate.
torch.manual_seed(--seed) gives the Go side's initial weights. Prints one
JSON line (the keys of main.go's Result).
"""
import argparse
import os
from collections import Counter

import torch
from torch import nn
from torch.nn import functional as F

import benchlib

HERE = os.path.dirname(os.path.abspath(__file__))
TEXT = os.path.normpath(os.path.join(HERE, '..', '..', '..', 'shared', 'data', 'corpus', 'tinyshakespeare.txt'))


class LM(nn.Module):
    """The names and shapes of torchrnn's lstm.LM."""

    def __init__(self, vocab_size, embed_dim, hidden_size):
        super().__init__()
        self.encoder = nn.Embedding(vocab_size, embed_dim)
        self.rnn = nn.LSTM(embed_dim, hidden_size, batch_first=True)
        self.decoder = nn.Linear(hidden_size, vocab_size)

    def forward(self, x, state=None):
        out, state = self.rnn(self.encoder(x), state)  # [B, L] -> [B, L, E] -> [B, L, H]
        return self.decoder(out), state  # [B, L, V]


def run_pass(model, opt, stream, a, train):
    """Runs stream as a.batch rows in windows of a.bptt; the loss is the mean over tokens."""
    B = a.batch
    N = len(stream) // B
    data = torch.tensor(stream[:B * N], dtype=torch.int64).view(B, N)  # [B, N]
    model.train(train)
    p = dict(batches=0, examples=len(stream), tokens=0, loss=0.0)
    state = None
    clock = benchlib.Clock()
    with torch.set_grad_enabled(train):
        for s in range(0, N - 1, a.bptt):
            L = min(a.bptt, N - 1 - s)
            x, y = data[:, s:s + L], data[:, s + 1:s + 1 + L]  # [B, L] each
            logits, state = model(x, state)
            loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), y.reshape(-1))
            if train:
                opt.zero_grad()
                loss.backward()
                if a.clip > 0:
                    nn.utils.clip_grad_norm_(model.parameters(), a.clip)
                opt.step()
            state = tuple(h.detach() for h in state)
            p['loss'] += loss.item() * B * L
            p['tokens'] += B * L
            p['batches'] += 1
    p['seconds'], p['cpu'] = clock.stop()
    p['loss'] /= max(p['tokens'], 1)
    return p


def generate(model, prompt, a):
    """Feeds prompt (ids), then samples a.sample characters one at a time
    in a.streams streams as one batch."""
    g = torch.Generator().manual_seed(a.seed)
    model.eval()
    with torch.no_grad():
        logits, state = model(torch.tensor([prompt]))  # [1, P] -> [1, P, V]
        logits = logits[:, -1].repeat(a.streams, 1)  # [K, V]
        state = tuple(s.repeat(1, a.streams, 1) for s in state)  # [layers, K, H]
        for _ in range(a.sample):
            logits[:, :2] = float('-inf')  # never <pad> or <unk>
            probs = torch.softmax(logits / a.temperature, dim=-1)
            nxt = torch.multinomial(probs, 1, generator=g)  # [K, 1]
            logits, state = model(nxt, state)
            logits = logits[:, -1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--text', default=TEXT, help='UTF-8 text file')
    ap.add_argument('--chars', type=int, default=0, help="use the text's first N characters; 0: all")
    ap.add_argument('--threads', type=int, default=1, help='libtorch threads')
    ap.add_argument('--batch', type=int, default=64, help='parallel streams')
    ap.add_argument('--bptt', type=int, default=100, help='steps per truncated-backpropagation window')
    ap.add_argument('--lr', type=float, default=2e-3, help='Adam learning rate')
    ap.add_argument('--clip', type=float, default=5, help='clip the gradient norm to this; 0: no clipping')
    ap.add_argument('--seed', type=int, default=1, help='seeds the initial weights and the sampling')
    ap.add_argument('--sample', type=int, default=500, help='characters to generate after training, per stream')
    ap.add_argument('--streams', type=int, default=1, help='streams sampled as one batch')
    ap.add_argument('--no-train', action='store_true', help='sample from the initial weights: no training')
    ap.add_argument('--temperature', type=float, default=0.8)
    ap.add_argument('--prompt', default='First Citizen:', help='text fed before sampling')
    ap.add_argument('--embed', type=int, default=64)
    ap.add_argument('--hidden', type=int, default=256)
    a = ap.parse_args()
    benchlib.need(a.text, 'text file')
    benchlib.set_threads(a.threads)

    clock = benchlib.Clock()
    with open(a.text, encoding='utf-8') as f:
        chars = list(f.read())
    if 0 < a.chars < len(chars):
        chars = chars[:a.chars]
    counts = Counter(chars)
    char_to_int = {c: i for i, (c, _) in enumerate(sorted(counts.items(), key=lambda x: x[1], reverse=True), 2)}
    ids = [char_to_int[c] for c in chars]
    n_train = len(ids) - int(0.1 * len(ids))
    load_s, _ = clock.stop()
    missing = [c for c in a.prompt if c not in char_to_int]
    if missing or not a.prompt:
        raise SystemExit('charlm.py: --prompt: %s' % ('%r is not in the text' % missing[0] if missing else 'empty'))
    if len(ids) - n_train < 2 * a.batch:
        raise SystemExit('charlm.py: %d characters are too few for --batch %d' % (len(ids), a.batch))

    torch.manual_seed(a.seed)
    vocab_size = len(char_to_int) + 2
    model = LM(vocab_size, a.embed, a.hidden)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    none = dict(batches=0, examples=0, tokens=0, loss=0.0, seconds=0.0, cpu=0.0)
    tr = none if a.no_train else run_pass(model, opt, ids[:n_train], a, True)
    va = none if a.no_train else run_pass(model, opt, ids[n_train:], a, False)
    clock = benchlib.Clock()
    generate(model, [char_to_int[c] for c in a.prompt], a)
    sample_s, _ = clock.stop()
    benchlib.emit('lm', 'padded', a.threads, len(ids), vocab_size, load_s, tr, va, sample_chars=a.sample,
                  sample_s=sample_s, streams=a.streams)


if __name__ == '__main__':
    main()
