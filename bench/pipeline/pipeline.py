#!/usr/bin/env python3
"""The seed's data pipeline on the 25,000 aclImdb training reviews, timed
per stage: read, tokenize, count, sort (word_to_int), encode.

  pipeline.py DATA [REPS]

DATA is the aclImdb folder (train/{neg,pos}/<id>_<rating>.txt) or a
.tar.xz/.tar.gz archive of it. Each repetition prints one JSON line of
seconds per stage, wall clock and CPU, like the Go command in this folder.
"""
import json
import os
import re
import sys
import tarfile
import time
from collections import Counter


def tokenizer(text):  # the seed, verbatim
    text = re.sub('<[^>]*>', '', text)
    emoticons = re.findall('(?::|;|=)(?:-)?(?:\)|\(|D|P)', text.lower())
    text = re.sub('[\W]+', ' ', text.lower()) + ' '.join(emoticons).replace('-', '')
    return text.split()


def review_id(name):
    return int(os.path.basename(name).split('_')[0])


def read_dir(root):
    texts = []
    for label in ('neg', 'pos'):
        folder = os.path.join(root, 'train', label)
        for name in sorted(os.listdir(folder), key=review_id):
            with open(os.path.join(folder, name), encoding='utf-8') as f:
                texts.append(f.read())
    return texts


def read_archive(path):
    reviews = []
    with tarfile.open(path) as tar:
        for m in tar:
            parts = m.name.split('/')
            if m.isfile() and len(parts) >= 3 and parts[-3] == 'train' and parts[-2] in ('neg', 'pos'):
                reviews.append(((parts[-2], review_id(m.name)), tar.extractfile(m).read().decode('utf-8')))
    reviews.sort(key=lambda r: r[0])
    return [text for _, text in reviews]


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

    texts = read_dir(data) if os.path.isdir(data) else read_archive(data)
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
    t['total'] = sum(t[s] for s in ('read', 'tokenize', 'count', 'sort', 'encode'))
    t.update(reviews=len(ids), tokens=sum(map(len, ids)), vocab=len(word_to_int))
    return t


if __name__ == '__main__':
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    for _ in range(int(sys.argv[2]) if len(sys.argv) == 3 else 1):
        print(json.dumps(run(sys.argv[1])), flush=True)
