#!/usr/bin/env python3
"""The seed notebook's IMDB sentiment classifier in PyTorch, one training
epoch and one evaluation, timed: the reference `training classify` (Go, this
folder) is measured against.

  classify.py [--data DIR] [--strategy packed|padded] [--threads N] [--batches N] ...

The model is the seed's: embedding 20 (padding id 0), one LSTM layer of 64,
its last hidden state, fc 64, ReLU, fc to one logit; batch 32, Adam 1e-3.
--strategy packed runs each batch as the seed does (pack_padded_sequence,
enforce_sorted=False); padded runs the padded batch through the LSTM and
gathers each review's output at its last real step. The seed's sigmoid +
BCELoss is one BCEWithLogitsLoss here: the same loss, the op torchrnn uses.

Data as the seed's: the seed tokenizer, a vocabulary of every training token
(<pad> 0, <unk> 1, then by count), reviews not cut, collate_batch padding
each batch. The seed tokenizes inside collate_batch, every epoch; here every
review is encoded once before the epoch (as the Go side does), which only
spares Python time. Batches follow the permutation the Go side computes
(benchlib.shuffled), and the weights start from torch.manual_seed(--seed),
which gives the Go side's initial weights: both sides see the same batches
from the same start. Prints one JSON line (the keys of main.go's Result).
"""
import argparse
import os
import sys
import time
from collections import Counter

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'pipeline'))
import benchlib  # noqa: E402
from pipeline import collate, read, tokenizer  # noqa: E402

DATA = os.path.normpath(os.path.join(HERE, '..', '..', '..', 'shared', 'data', 'imdb', 'aclImdb_v1.tar.xz'))


class RNN(nn.Module):
    """The seed's model; the names and shapes of torchrnn's lstm.Classifier."""

    def __init__(self, vocab_size, embed_dim, rnn_hidden_size, fc_hidden_size, packed):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
        self.rnn = nn.LSTM(embed_dim, rnn_hidden_size, batch_first=True)
        self.fc1 = nn.Linear(rnn_hidden_size, fc_hidden_size)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(fc_hidden_size, 1)
        self.packed = packed

    def forward(self, text, lengths):
        out = self.embedding(text)  # [B, T] -> [B, T, E]
        if self.packed:
            out = nn.utils.rnn.pack_padded_sequence(out, lengths.cpu().numpy(), enforce_sorted=False,
                                                    batch_first=True)
            out, (hidden, cell) = self.rnn(out)
            out = hidden[-1, :, :]  # [B, H]
        else:
            out, _ = self.rnn(out)  # [B, T, H], garbage past each length
            out = out[torch.arange(out.size(0)), lengths - 1]  # [B, H] at the last real step
        out = self.relu(self.fc1(out))
        return self.fc2(out)  # [B, 1]


def load(data):
    """Both splits encoded with the vocabulary of the training reviews."""
    train_texts, train_labels = read(data, 'train')
    test_texts, test_labels = read(data, 'test')
    docs = [tokenizer(x) for x in train_texts]
    counts = Counter()
    for tokens in docs:
        counts.update(tokens)
    word_to_int = {w: i for i, (w, _) in
                   enumerate(sorted(counts.items(), key=lambda x: x[1], reverse=True), 2)}
    word_to_int['<pad>'], word_to_int['<unk>'] = 0, 1
    encode = lambda docs: [[word_to_int.get(w, 1) for w in tokens] for tokens in docs]  # noqa: E731
    return (encode(docs), train_labels), (encode(tokenizer(x) for x in test_texts), test_labels), len(word_to_int)


def run_pass(model, opt, data, batches, train):
    """Runs the batches (lists of review indices); the loss is the mean over reviews."""
    ids, labels = data
    loss_fn = nn.BCEWithLogitsLoss()
    model.train(train)
    p = dict(batches=0, examples=0, tokens=0, loss=0.0, correct=0, fwd_bwd=0.0)
    clock = benchlib.Clock()
    with torch.set_grad_enabled(train):
        for idx in batches:
            x, y, lengths = collate([ids[i] for i in idx], [labels[i] for i in idx])
            start = time.perf_counter()
            logits = model(x, lengths)[:, 0]
            loss = loss_fn(logits, y.float())
            if train:
                opt.zero_grad()
                loss.backward()
            p['fwd_bwd'] += time.perf_counter() - start
            if train:
                opt.step()
            p['loss'] += loss.item() * len(idx)
            p['correct'] += ((logits > 0) == (y == 1)).sum().item()
            p['batches'] += 1
            p['examples'] += len(idx)
            p['tokens'] += int(lengths.sum())
    p['seconds'], p['cpu'] = clock.stop()
    p['loss'] /= max(p['examples'], 1)
    p['acc'] = p['correct'] / max(p['examples'], 1)
    return p


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--data', default=DATA, help='aclImdb folder or archive holding train/ and test/')
    ap.add_argument('--strategy', choices=('packed', 'padded'), default='packed')
    ap.add_argument('--threads', type=int, default=1, help='libtorch threads')
    ap.add_argument('--batch', type=int, default=32, help='reviews per batch')
    ap.add_argument('--batches', type=int, default=0, help='train on the first N batches of the epoch; 0: all')
    ap.add_argument('--lr', type=float, default=1e-3, help='Adam learning rate')
    ap.add_argument('--seed', type=int, default=1, help='seeds the initial weights and the batch order')
    ap.add_argument('--embed', type=int, default=20)
    ap.add_argument('--hidden', type=int, default=64)
    ap.add_argument('--head', type=int, default=64)
    a = ap.parse_args()
    benchlib.need(a.data, 'aclImdb folder or archive')
    benchlib.set_threads(a.threads)

    clock = benchlib.Clock()
    train, test, vocab_size = load(a.data)
    load_s, _ = clock.stop()
    torch.manual_seed(a.seed)
    model = RNN(vocab_size, a.embed, a.hidden, a.head, packed=a.strategy == 'packed')
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)

    order = benchlib.shuffled(len(train[0]), a.seed)
    batches = [order[i:i + a.batch] for i in range(0, len(order), a.batch)]
    if a.batches > 0:
        batches = batches[:a.batches]
    tr = run_pass(model, opt, train, batches, True)
    n = len(test[0])
    va = run_pass(model, opt, test, [list(range(i, min(i + a.batch, n))) for i in range(0, n, a.batch)], False)
    benchlib.emit('classify', a.strategy, a.threads, len(train[0]), vocab_size, load_s, tr, va,
                  fwd_bwd_tokens_per_s=tr['tokens'] / tr['fwd_bwd'])


if __name__ == '__main__':
    main()
