#!/usr/bin/env python3
"""The seed's data pipeline on the 25,000 aclImdb training reviews, timed
per stage: read, tokenize, count, sort (word_to_int), encode, collate
(batches of 32 padded into tensors, as the seed's collate_batch).

  pipeline.py DATA [REPS]

DATA is the aclImdb folder (train/{neg,pos}/<id>_<rating>.txt) or a
.tar.xz/.tar.gz archive of it. Each repetition prints one JSON line of
seconds per stage, wall clock and CPU, like the Go command in this folder.
bench/training/classify.py reads and collates with these functions too.
"""
import json
import os
import re
import sys
import tarfile
import time
from collections import Counter

import torch
from torch.nn.utils.rnn import pad_sequence

BATCH = 32  # the seed's batch_size


def tokenizer(text):  # the seed, verbatim
    text = re.sub('<[^>]*>', '', text)
    emoticons = re.findall('(?::|;|=)(?:-)?(?:\)|\(|D|P)', text.lower())
    text = re.sub('[\W]+', ' ', text.lower()) + ' '.join(emoticons).replace('-', '')
    return text.split()


def review_id(name):
    return int(os.path.basename(name).split('_')[0])


def read_dir(root, split='train'):
    """Texts and labels (neg 0, pos 1) of one split, by label then id."""
    texts, labels = [], []
    for label, name in enumerate(('neg', 'pos')):
        folder = os.path.join(root, split, name)
        for f in sorted(os.listdir(folder), key=review_id):
            with open(os.path.join(folder, f), encoding='utf-8') as fh:
                texts.append(fh.read())
            labels.append(label)
    return texts, labels


def read_archive(path, split='train'):
    """read_dir from a tar archive, without unpacking it."""
    reviews = []
    with tarfile.open(path) as tar:
        for m in tar:
            parts = m.name.split('/')
            if m.isfile() and len(parts) >= 3 and parts[-3] == split and parts[-2] in ('neg', 'pos'):
                label = ('neg', 'pos').index(parts[-2])
                reviews.append(((label, review_id(m.name)), tar.extractfile(m).read().decode('utf-8')))
    reviews.sort(key=lambda r: r[0])
    return [text for _, text in reviews], [key[0] for key, _ in reviews]


def read(data, split='train'):
    if not os.path.exists(data):
        sys.exit('no aclImdb folder or archive at %s' % data)
    return read_dir(data, split) if os.path.isdir(data) else read_archive(data, split)


def collate(ids, labels):
    """The seed's collate_batch on encoded reviews: ids [B, T] padded with
    <pad> = 0, labels [B], lengths [B]."""
    texts = [torch.tensor(x, dtype=torch.int64) for x in ids]
    lengths = torch.tensor([len(x) for x in ids])
    return pad_sequence(texts, batch_first=True), torch.tensor(labels), lengths


def run(data):
    t = {'lang': 'python', 'threads': 1, 'cpu': {'total': 0}}
    start, start_cpu = time.perf_counter(), time.process_time()

    def lap(stage):
        nonlocal start, start_cpu
        now, now_cpu = time.perf_counter(), time.process_time()
        t[stage] = now - start
        t['cpu'][stage] = now_cpu - start_cpu
        t['cpu']['total'] += now_cpu - start_cpu
        start, start_cpu = now, now_cpu

    texts, labels = read(data)
    lap('read')
    docs = [tokenizer(x) for x in texts]
    lap('tokenize')
    counts = Counter()
    for tokens in docs:
        counts.update(tokens)
    lap('count')
    word_to_int = {w: i for i, (w, _) in
                   enumerate(sorted(counts.items(), key=lambda x: x[1], reverse=True), 2)}
    word_to_int['<pad>'], word_to_int['<unk>'] = 0, 1
    lap('sort')
    ids = [[word_to_int.get(w, 1) for w in tokens] for tokens in docs]
    lap('encode')
    for i in range(0, len(ids), BATCH):
        collate(ids[i:i + BATCH], labels[i:i + BATCH])
    lap('collate')
    t['total'] = sum(t[s] for s in ('read', 'tokenize', 'count', 'sort', 'encode', 'collate'))
    t.update(reviews=len(ids), tokens=sum(map(len, ids)), vocab=len(word_to_int))
    return t


if __name__ == '__main__':
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    torch.set_num_threads(1)
    for _ in range(int(sys.argv[2]) if len(sys.argv) == 3 else 1):
        print(json.dumps(run(sys.argv[1])), flush=True)
