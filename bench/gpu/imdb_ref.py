#!/usr/bin/env python3
"""The model of a torchrnn IMDB run, trained in PyTorch: the reference that
torchrnn's epoch time, tokens/s and accuracy are compared with.

  imdb_ref.py --run DIR --data aclImdb_v1.tar.xz [--device cuda] [--json OUT]

DIR is a torchrnn run folder: its config.json gives the model and the
recipe (embedding, cell, hidden, layers, directions, pooling, head, dropout;
batch, epochs, learning rate, clipping, max length and which end is kept,
bucketing, patience, validation share, seed) and its vocab.txt the
vocabulary, so both sides train the same model on the same ids. The split
into training and validation reviews is this script's own (seeded), the
batches are built as torchrnn builds them: pools of 100 batches sorted by
length when training, the whole split sorted when evaluating (batches twice
as large). Variable lengths are packed (pack_padded_sequence,
enforce_sorted=False): how PyTorch runs a bidirectional layer over
variable lengths exactly (torchrnn's classifier runs padded batches on
CUDA, each direction reading only real steps). The recipe's word dropout,
embedding dropout and learning-rate annealing are not mirrored: they change
what is learned, not the work of a step.

Tokens/s counts real tokens only, over the training time of an epoch (the
loss and the accuracy are read after every batch, as the seed notebook
does; torchrnn reads them every 50 batches on a GPU). Prints one line per
epoch and the test accuracy of the best epoch; --json writes them.
"""
import argparse
import json
import multiprocessing
import os
import random
import re
import tarfile
import time

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence


def tokenize(text):  # the seed notebook's tokenizer, as vocab.IMDB
    text = re.sub('<[^>]*>', '', text)
    emoticons = re.findall(r'(?::|;|=)(?:-)?(?:\)|\(|D|P)', text.lower())
    text = re.sub(r'[\W]+', ' ', text.lower()) + ' '.join(emoticons).replace('-', '')
    return text.split()


def read_imdb(path):
    """{'train': [(text, label)], 'test': [...]} from aclImdb_v1.tar.*."""
    splits = {'train': [], 'test': []}
    with tarfile.open(path) as tar:
        for m in tar:
            parts = m.name.split('/')
            if m.isfile() and len(parts) >= 3 and parts[-3] in splits and parts[-2] in ('neg', 'pos'):
                text = tar.extractfile(m).read().decode('utf-8')
                splits[parts[-3]].append((m.name, text, int(parts[-2] == 'pos')))
    for v in splits.values():
        v.sort()
    return {k: [(t, y) for _, t, y in v] for k, v in splits.items()}


def read_vocab(path):
    with open(path, encoding='utf-8') as f:
        words = [line.rstrip('\n') for line in f if not line.startswith('#vocab')]
    return {w: i for i, w in enumerate(words)}


class Classifier(nn.Module):
    def __init__(self, m):
        super().__init__()
        rnn = {'lstm': nn.LSTM, 'gru': nn.GRU}.get(m['cell'])
        kw = {} if rnn else {'nonlinearity': m['cell'].split('_')[1]}
        rnn = rnn or nn.RNN
        self.embedding = nn.Embedding(m['vocab'], m['embed'], padding_idx=m['pad_id'])
        self.rnn = rnn(m['embed'], m['hidden'], m['layers'], batch_first=True,
                       bidirectional=m['bidirectional'], dropout=m['dropout'] if m['layers'] > 1 else 0, **kw)
        d = 2 if m['bidirectional'] else 1
        self.fc1 = nn.Linear(d * m['hidden'], m['head'])
        self.fc2 = nn.Linear(m['head'], 1 if m['classes'] == 2 else m['classes'])
        self.pooling, self.dropout, self.bi = m['pooling'], nn.Dropout(m['dropout']), m['bidirectional']

    def forward(self, ids, lengths):
        x = self.embedding(ids)
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        out, h = self.rnn(packed)
        if isinstance(h, tuple):
            h = h[0]
        T = ids.shape[1]
        if self.pooling == 'max':
            out, _ = pad_packed_sequence(out, batch_first=True, padding_value=float('-inf'), total_length=T)
            feat = out.amax(1)
        elif self.pooling == 'mean':
            out, _ = pad_packed_sequence(out, batch_first=True, total_length=T)
            feat = out.sum(1) / lengths.to(out.device, torch.float).unsqueeze(1)
        else:
            feat = torch.cat([h[-2], h[-1]], 1) if self.bi else h[-1]
        h = torch.relu(self.fc1(self.dropout(feat)))
        return self.fc2(self.dropout(h))


def batches(examples, batch, rng, shuffle, pool_factor=100):
    """Index lists as torchrnn's seq.Sampler makes them."""
    idx = list(range(len(examples)))
    pool = batch * pool_factor if shuffle else len(idx)
    if shuffle:
        rng.shuffle(idx)
    out = []
    for p in range(0, len(idx), pool):
        chunk = sorted(idx[p:p + pool], key=lambda i: -len(examples[i][0]))
        out += [chunk[i:i + batch] for i in range(0, len(chunk), batch)]
    if shuffle:
        rng.shuffle(out)
    return out


def collate(examples, idx, device):
    seqs = [examples[i][0] for i in idx]
    T = max(len(s) for s in seqs)
    ids = torch.zeros(len(seqs), T, dtype=torch.long)
    for b, s in enumerate(seqs):
        ids[b, :len(s)] = torch.tensor(s)
    lengths = torch.tensor([len(s) for s in seqs])
    labels = torch.tensor([examples[i][1] for i in idx])
    return ids.to(device, non_blocking=True), lengths, labels.to(device, non_blocking=True), int(lengths.sum())


def run_epoch(model, opt, examples, order, clip, device, train):
    model.train(train)
    loss_sum, correct, seen, tokens = 0.0, 0, 0, 0
    loss_fn = nn.BCEWithLogitsLoss()
    start = time.perf_counter()
    with torch.set_grad_enabled(train):
        for idx in order:
            ids, lengths, labels, n = collate(examples, idx, device)
            logits = model(ids, lengths).view(-1)
            loss = loss_fn(logits, labels.float())
            if train:
                opt.zero_grad()
                loss.backward()
                if clip > 0:
                    nn.utils.clip_grad_norm_(model.parameters(), clip)
                opt.step()
            loss_sum += loss.item() * len(idx)
            correct += int(((logits > 0).long() == labels).sum())
            seen, tokens = seen + len(idx), tokens + n
    if device.type == 'cuda':
        torch.cuda.synchronize()
    secs = time.perf_counter() - start
    return loss_sum / seen, correct / seen, secs, tokens


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--run', required=True, help='torchrnn run folder (config.json, vocab.txt)')
    ap.add_argument('--data', required=True, help='aclImdb_v1.tar.gz or .tar.xz')
    ap.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    ap.add_argument('--threads', type=int, default=0, help='torch CPU threads; 0: torch default')
    ap.add_argument('--json', help='write the results here')
    ap.add_argument('--limit', type=int, default=0, help='use only this many reviews of each split (a smoke test)')
    ap.add_argument('--epochs', type=int, default=0, help="override the run's epoch count")
    args = ap.parse_args()
    for p in (os.path.join(args.run, 'config.json'), args.data):
        if not os.path.exists(p):
            ap.error(f'{p}: no such file')
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    cfg = json.load(open(os.path.join(args.run, 'config.json')))
    m, tr = cfg['model'], cfg['train']
    if m['classes'] != 2:
        ap.error('only the two-class IMDB task is mirrored')
    device = torch.device(args.device)
    torch.manual_seed(tr['seed'])
    rng = random.Random(tr['seed'])

    t0 = time.perf_counter()
    data = read_imdb(args.data)
    if args.limit > 0:
        data = {k: random.Random(0).sample(v, min(args.limit, len(v))) for k, v in data.items()}
    if args.epochs > 0:
        tr['epochs'] = args.epochs
    vocab = read_vocab(os.path.join(args.run, cfg['vocab']))
    with multiprocessing.Pool() as pool:
        tokens = {k: pool.map(tokenize, [t for t, _ in v], chunksize=256) for k, v in data.items()}

    def encode(toks):
        ids = [vocab.get(w, 1) for w in toks] or [1]
        n = tr['max_len']
        if 0 < n < len(ids):
            ids = ids[-n:] if tr['truncate'] == 'tail' else ids[:n]
        return ids

    sets = {k: [(encode(t), y) for t, (_, y) in zip(tokens[k], data[k])] for k in data}
    train = sets['train']
    rng.shuffle(train)
    n_valid = int(round(len(train) * tr['valid']))
    train, valid, test = train[n_valid:], train[:n_valid], sets['test']
    prep = time.perf_counter() - t0
    print(f'data: {len(train)} train, {len(valid)} valid, {len(test)} test; vocabulary {len(vocab)}; {prep:.1f}s', flush=True)

    model = Classifier(m).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=tr['lr'], weight_decay=tr['weight_decay'])
    res = {'torch': torch.__version__, 'device': torch.cuda.get_device_name(device) if device.type == 'cuda' else 'cpu',
           'cudnn': torch.backends.cudnn.version() if device.type == 'cuda' else None,
           'prep_seconds': prep, 'epochs': []}
    best, best_state, stale = -1.0, None, 0
    valid_order = batches(valid, 2 * tr['batch'], rng, False)
    for epoch in range(1, tr['epochs'] + 1):
        order = batches(train, tr['batch'], rng, tr['bucket'])
        tl, ta, secs, toks = run_epoch(model, opt, train, order, tr['clip'], device, True)
        vl, va, vsecs, _ = run_epoch(model, None, valid, valid_order, 0, device, False)
        e = {'epoch': epoch, 'train_loss': tl, 'train_acc': ta, 'valid_loss': vl, 'valid_acc': va,
             'seconds': secs, 'tokens_per_sec': toks / secs, 'valid_seconds': vsecs}
        res['epochs'].append(e)
        print(f"epoch {epoch:2d}  train loss {tl:.4f} acc {100 * ta:.2f}%  valid loss {vl:.4f} acc {100 * va:.2f}%"
              f"  time {secs:.1f}s  {toks / secs:,.0f} tok/s", flush=True)
        if va > best:
            best, stale = va, 0
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
            res['best_epoch'] = epoch
        else:
            stale += 1
        if tr['patience'] > 0 and stale >= tr['patience']:
            print(f'early stop: best epoch {res["best_epoch"]}', flush=True)
            break
    model.load_state_dict(best_state)
    test_order = batches(test, 2 * tr['batch'], rng, False)
    res['test_loss'], res['test_acc'], res['test_seconds'], _ = run_epoch(model, None, test, test_order, 0, device, False)
    print(f"test: accuracy {100 * res['test_acc']:.2f}% (best epoch {res['best_epoch']})", flush=True)
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(res, f, indent=1)


if __name__ == '__main__':
    main()
