#!/usr/bin/env python3
"""Prints the markdown table of run.sh from the JSON lines of the runs.

  table.py FOLDER.jsonl ARCHIVE.jsonl GO_VERSION PYTHON_VERSION LOAD_BEFORE LOAD_AFTER
"""
import json
import os
import platform
import statistics
import sys

# Go tokenizes and counts in one pass (its count is 0): one row for both.
STAGES = [('read', 'read 25,000 files'), (('tokenize', 'count'), 'tokenize (seed tokenizer) and count tokens'),
          ('sort', 'sort into vocabulary'),
          ('encode', 'encode to ids'), ('collate', 'collate batches of 32 into tensors'),
          ('total', '**total**')]


def load(path):
    runs = {'go': [], 'python': []}
    with open(path) as f:
        for line in f:
            r = json.loads(line)
            runs[r['lang']].append(r)
    return runs


def stages(stage):
    return stage if isinstance(stage, tuple) else (stage,)


def median(runs, stage):
    return statistics.median(sum(r.get(s, 0) for s in stages(stage)) for r in runs)


def cpu_median(runs, stage):
    return statistics.median(sum(r['cpu'].get(s, 0) for s in stages(stage)) for r in runs)


def cpu_model():
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or 'unknown CPU'


def main(folder, archive, go_version, py_version, load_before, load_after):
    runs, aruns = load(folder), load(archive)
    go, py = runs['go'], runs['python']
    for key in ('reviews', 'tokens', 'vocab'):
        if {r[key] for r in go} != {r[key] for r in py}:
            sys.exit('table.py: Go and Python disagree on %s' % key)
    print('%d reviews, %d tokens, vocabulary of %d ids (both pipelines agree). '
          'Medians of %d alternating runs each, in seconds: wall clock, and CPU time (user + system, '
          'all threads); %s, %d cores; %s (GOMAXPROCS %d) vs CPython %s (one thread). '
          'Load average %s before, %s after.\n'
          % (go[0]['reviews'], go[0]['tokens'], go[0]['vocab'], len(go), cpu_model(),
             os.cpu_count(), go_version, go[0]['threads'], py_version, load_before, load_after))
    print('| stage | Python wall | Go wall | speed-up | Python CPU | Go CPU | CPU ratio |')
    print('|---|---:|---:|---:|---:|---:|---:|')
    for stage, name in STAGES:
        p, g = median(py, stage), median(go, stage)
        pc, gc = cpu_median(py, stage), cpu_median(go, stage)
        print('| %s | %.3f | %.3f | %.1fx | %.3f | %.3f | %.1fx |' % (name, p, g, p / g, pc, gc, pc / gc))
    if aruns['go'] and aruns['python']:
        ap, ag = aruns['python'], aruns['go']
        p, g = median(ap, 'read'), median(ag, 'read')
        pc, gc = cpu_median(ap, 'read'), cpu_median(ag, 'read')
        print('| read from aclImdb_v1.tar.xz instead (not in total; %d runs) | %.3f | %.3f | %.1fx | %.3f | %.3f | %.1fx |'
              % (len(ag), p, g, p / g, pc, gc, pc / gc))


if __name__ == '__main__':
    if len(sys.argv) != 7:
        sys.exit(__doc__)
    main(*sys.argv[1:])
