#!/usr/bin/env python3
"""Turns the runs of bench/run.sh into its section of BENCHMARKS.md.

  report.py WORK [--write BENCHMARKS.md]

WORK holds info.json (written by run.sh: mode, command, date, load) and one
file of JSON lines per kind of run: pipeline.jsonl (bench/pipeline) and
packed, padded, default and lm.jsonl (bench/training and its Python
scripts), sample1 and sample16.jsonl (sampling alone, one stream and 16),
and tuned.jsonl (classify.py packed, with glibc's malloc set as
torchrnn sets it). The section goes to stdout; with --write it also
replaces the text between its mode's markers in the file (added under the
issue-7 heading when missing). Every number comes from those files.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys

HEADING = '## Side by side with PyTorch (issue 7)'
# Go tokenizes and counts in one pass (its count is 0): one row for both.
STAGES = [('read', 'read the files'), (('tokenize', 'count'), 'tokenize (seed tokenizer) and count tokens'),
          ('sort', 'sort into a vocabulary'), ('encode', 'encode to ids'),
          ('collate', 'collate batches of 32 into tensors'), ('total', '**total**')]
CLASSIFIER = [('packed', 'packed, shuffled batches (the seed notebook)'),
              ('padded', 'padded, last real step gathered, shuffled batches'),
              ('default', "torchrnn's default: padded, bucketed batches (PyTorch: the seed's packed run)")]


def markers(mode):
    flag = '' if mode == 'full' else ' --' + mode
    return '<!-- bench/run.sh%s begin -->' % flag, '<!-- bench/run.sh%s end -->' % flag


def load(work, kind):
    """The runs of one kind, by language."""
    runs = {'go': [], 'python': []}
    path = os.path.join(work, kind + '.jsonl')
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                r = json.loads(line)
                runs[r['lang']].append(r)
    return runs


def med(runs, key):
    return statistics.median(key(r) if callable(key) else r[key] for r in runs) if runs else float('nan')


def ratio(a, b):
    return a / b if b else float('nan')


def plural(n, noun):
    return '%d %s%s' % (n, noun, '' if n == 1 else 'es' if noun.endswith('ch') else 's')


def verdict(ok):
    return 'met' if ok else '**not met**'


def pairs(rows):
    """(kind, name, go runs, python runs) of the classifier rows; the
    default row is set against the seed's packed Python runs."""
    for kind, name in CLASSIFIER:
        go, py = rows[kind]['go'], rows['packed' if kind == 'default' else kind]['python']
        if go and py:
            yield kind, name, go, py


def pipeline_table(out, runs, reps):
    """Appends the pipeline table (medians of reps runs of each side);
    returns (reviews, speed-up) or None."""
    go, py = runs['go'], runs['python']
    if not go or not py:
        return None
    for key in ('reviews', 'tokens', 'vocab'):
        if {r[key] for r in go} != {r[key] for r in py}:
            sys.exit('report.py: the pipelines disagree on %s' % key)
    out.append('**Data pipeline**: %s training reviews (%s tokens, a vocabulary of %s ids, the same on both sides) '
               "read from an unpacked aclImdb folder; seconds of wall clock. Python runs the seed notebook's code "
               "(one thread); torchrnn the `imdb`, `vocab` and `seq` packages (Go's default GOMAXPROCS, %d). "
               'Collating makes the tensors of each batch (ids, labels; Python also the lengths) with one '
               'libtorch thread. %s.\n'
               % (f"{go[0]['reviews']:,}", f"{go[0]['tokens']:,}", f"{go[0]['vocab']:,}", go[0]['threads'],
                  'One run of each' if reps == 1 else 'Medians of %d runs of each, a few pairs a round' % reps))
    out.append('| stage | Python | torchrnn | speed-up |')
    out.append('|---|---:|---:|---:|')
    for key, name in STAGES:
        if isinstance(key, tuple):  # stages summed
            key = lambda r, ks=key: sum(r[k] for k in ks)
        p, g = med(py, key), med(go, key)
        out.append('| %s | %.3f | %.3f | %.1fx |' % (name, p, g, ratio(p, g)))
    out.append('')
    return go[0]['reviews'], ratio(med(py, 'total'), med(go, 'total'))


SAMPLING = [('sample1', 'character LM sampling alone, 1 stream, characters/s'),
            ('sample16', 'character LM sampling alone, 16 streams as one batch, characters/s per stream')]


def sampling_rows(out, rows):
    """Appends the rows of sampling alone (run.sh's sampling()), in the
    training table's columns."""
    speed = lambda r: r['sample_chars'] / r['sample_s']  # noqa: E731
    for kind, name in SAMPLING:
        go, py = rows[kind]['go'], rows[kind]['python']
        if go and py:
            out.append('| %s | %d | - | %.0f | %.0f | **%.2fx** | | |'
                       % (name, go[0]['threads'], med(py, speed), med(go, speed), ratio(med(go, speed), med(py, speed))))


def sampling_note(rows):
    go = rows['sample1']['go']
    if not go:
        return ''
    return ('Sampling alone runs the same model from its initial weights (no training): after the prompt, %s '
            'characters from one stream, and %s from each of 16 streams fed as one batch (torchrnn: '
            '`infer.Generator.GenerateStreams`, as `cmd/generate -n 16`; PyTorch: the same loop on [16, V] logits), '
            'one libtorch thread.' % (f"{go[0]['sample_chars']:,}", f"{rows['sample16']['go'][0]['sample_chars']:,}"
                                      if rows['sample16']['go'] else '?'))


def training_table(out, rows):
    first = next((go[0] for _, _, go, _ in pairs(rows)), None)
    lm = rows['lm']
    if first is None and not lm['go']:
        if rows['sample1']['go']:  # a sampling run
            out.append(sampling_note(rows) + '\n')
            out.append('| run | threads | batches | PyTorch | torchrnn | torchrnn / PyTorch | | |')
            out.append('|---|---:|---:|---:|---:|---:|---:|---:|')
            sampling_rows(out, rows)
            out.append('')
        return
    packed = rows['packed']['python']
    if first and packed:
        note = ''
        if packed[0]['batches'] * 32 < packed[0]['examples']:
            note = " (the packed runs, the slowest, train on the epoch's first %s)" % plural(packed[0]['batches'], 'batch')
        out.append("**Training.** The seed notebook's IMDB classifier (embedding 20, one LSTM layer of 64, fc 64, "
                   'one logit; batch 32, Adam 1e-3; every token in the vocabulary, reviews not cut) trains one epoch '
                   'on %s training reviews%s, then evaluates on %s test reviews; both sides start from the same '
                   'weights and see the same batches. The libtorch thread count is the one `cmd/train` picks for '
                   'the strategy (every core packed, one padded) and the same on both sides of a pair, but for the '
                   "default row: torchrnn with one thread against the seed's packed run with %d. Both sides run "
                   'with OMP_NUM_THREADS set to that count, which Debian\'s OpenBLAS (libtorch\'s matrix products) '
                   'takes for its own pool too; where libtorch runs more than one thread, torchrnn sets OpenBLAS to '
                   'one (`torch.SetThreads`), so that the two pools do not share the cores, and PyTorch keeps both.'
                   % (f"{first['examples']:,}", note, f"{first['eval_examples']:,}", packed[0]['threads']))
    if lm['go']:
        r = lm['go'][0]
        out.append('The character language model (tiny shakespeare, the first %s characters; embedding 64, one LSTM '
                   'layer of 256; 64 streams, BPTT 100, Adam 2e-3, clip 5, no dropout) trains one epoch on the first '
                   '90%%, the state carried across windows, evaluates on the rest and samples %d characters at '
                   'temperature 0.8.' % (f"{r['examples']:,}", r['sample_chars']))
        if rows['sample1']['go']:
            out.append(sampling_note(rows))
    out.append('tokens/s counts real tokens (not padding) over the training loop: collate, forward, backward, '
               'optimizer step.')
    if rows['tuned']['python']:
        out.append("torchrnn's trainer sets glibc's malloc to keep freed memory (`libtorch.TuneMalloc`: mmap "
                   'threshold 32 MiB, trim threshold 256 MiB), which spares the packed path most of its page '
                   'faults; PyTorch runs with glibc\'s defaults, as the seed notebook does, and once more, packed, '
                   'with the same settings from the environment (`MALLOC_MMAP_THRESHOLD_=33554432 '
                   'MALLOC_TRIM_THRESHOLD_=268435456`), to show what Go and the binding add or take away.')
    blas = rows['blas']['python']
    if blas:
        core, base = blas[0]['blas'], next((r['blas'] for r in rows['lm']['python']), '?')
        out.append("On this CPU Debian's OpenBLAS (libtorch's matrix products, on both sides) does not know the "
                   "processor and falls back to its SSE3 kernels (%s); torchrnn switches it to the kernels the "
                   "CPU can run (%s, `libtorch.BLASCore`), PyTorch keeps %s's as its users get them, and runs "
                   "the language model once more with `OPENBLAS_CORETYPE=%s` to show the same kernels on both "
                   "sides." % (base, core, base, core))
    out.append('')
    out.append('| run | threads | batches | PyTorch tokens/s | torchrnn tokens/s | torchrnn / PyTorch '
               '| train loss, PyTorch | train loss, torchrnn |')
    out.append('|---|---:|---:|---:|---:|---:|---:|---:|')

    def row(name, threads, go, py, bold='**'):
        out.append('| %s | %s | %d | %.0f | %.0f | %s%.2fx%s | %.4f | %.4f |'
                   % (name, threads, go[0]['batches'], med(py, 'tokens_per_s'), med(go, 'tokens_per_s'), bold,
                      ratio(med(go, 'tokens_per_s'), med(py, 'tokens_per_s')), bold, med(py, 'train_loss'),
                      med(go, 'train_loss')))

    for kind, name, go, py in pairs(rows):
        threads = '%d' % go[0]['threads']
        if py[0]['threads'] != go[0]['threads']:
            threads += ' (PyTorch %d)' % py[0]['threads']
        row(name, threads, go, py)
        if kind == 'packed' and rows['tuned']['python']:
            row('packed, PyTorch with malloc tuned as torchrnn', threads, go, rows['tuned']['python'], bold='')
    go, py = lm['go'], lm['python']
    if go and py:
        row('character LM', go[0]['threads'], go, py)
        if blas:
            row("character LM, PyTorch with OpenBLAS's %s kernels as torchrnn" % blas[0]['blas'], go[0]['threads'],
                go, blas, bold='')
        speed = lambda r: r['sample_chars'] / r['sample_s']  # noqa: E731
        out.append('| character LM sampling, characters/s | %d | - | %.0f | %.0f | **%.2fx** | | |'
                   % (go[0]['threads'], med(py, speed), med(go, speed), ratio(med(go, speed), med(py, speed))))
    sampling_rows(out, rows)
    out.append('')


def fwd_bwd_table(out, rows):
    """Forward and backward alone of the two strategies (issue 4's target)."""
    packed, padded = rows['packed'], rows['padded']
    key = 'fwd_bwd_tokens_per_s'
    runs = packed['go'] + packed['python'] + padded['go'] + padded['python']
    if not runs or any(key not in r for r in runs):
        return
    out.append('**Forward and backward alone** (issue 4) of the same packed and padded runs: tokens/s over the '
               'forward pass, the loss and the backward pass of each batch, without collating and the Adam '
               'step; the threads of each as above.\n')
    out.append('| side | packed tokens/s | padded tokens/s | padded / packed |')
    out.append('|---|---:|---:|---:|')
    for side, name in (('python', 'PyTorch'), ('go', 'torchrnn')):
        p, q = med(packed[side], key), med(padded[side], key)
        out.append('| %s | %.0f | %.0f | **%.1fx** |' % (name, p, q, ratio(q, p)))
    tuned = rows['tuned']['python']
    if tuned and key in tuned[0]:
        out.append('| PyTorch, packed with malloc tuned as torchrnn | %.0f | - | - |' % med(tuned, key))
    x = ratio(med(padded['go'], key), med(packed['go'], key))
    seed = ratio(med(padded['go'], key), med(packed['python'], key))
    out.append("\nTarget (issue 4): torchrnn's exact padded path at least 5x the tokens/s of the packed path, "
               "forward and backward, on IMDB batches: %.1fx the seed notebook's packed run (PyTorch, glibc's "
               "malloc), %s; %.1fx torchrnn's own packed path, which the tuned malloc speeds up.\n"
               % (seed, verdict(seed >= 5), x))


def results_table(out, rows):
    if not list(pairs(rows)) and not (rows['lm']['go'] and rows['lm']['python']):
        return
    out.append('**Evaluation, memory and results** of the same runs: evaluation is one pass without gradients over '
               'the test reviews (the last 10% of the text for the language model), in seconds; peak memory is the '
               "VmHWM of each process (data, model and all) in MiB; loss and accuracy are the evaluation's "
               '(nats per character for the language model). Each side evaluates as its users do: PyTorch as the '
               'seed notebook, the test reviews in order in batches of 32; torchrnn as `cmd/train` (issue 23), '
               'sorted by length in batches of 64, on every row (the same model and strategy as the row trained; '
               'the mean loss and the accuracy do not depend on the order).\n')
    out.append('| run | PyTorch eval s | torchrnn eval s | speed-up | PyTorch peak MiB | torchrnn peak MiB '
               '| torchrnn / PyTorch | PyTorch loss (accuracy) | torchrnn loss (accuracy) |')
    out.append('|---|---:|---:|---:|---:|---:|---:|---:|---:|')
    lm = [('lm', 'character LM', rows['lm']['go'], rows['lm']['python'])] if rows['lm']['go'] and rows['lm'][
        'python'] else []
    for kind, name, go, py in list(pairs(rows)) + lm:
        result = lambda runs: '%.4f' % med(runs, 'eval_loss') + (  # noqa: E731
            ' (%.1f%%)' % (100 * med(runs, 'eval_acc')) if kind != 'lm' else '')
        out.append('| %s | %.2f | %.2f | %.1fx | %.0f | %.0f | %.2fx | %s | %s |'
                   % (name, med(py, 'eval_s'), med(go, 'eval_s'), ratio(med(py, 'eval_s'), med(go, 'eval_s')),
                      med(py, 'peak_rss_mib'), med(go, 'peak_rss_mib'),
                      ratio(med(go, 'peak_rss_mib'), med(py, 'peak_rss_mib')), result(py), result(go)))
    out.append('')


def targets(out, rows, pipe, mode):
    out.append('**Targets** (issue 7):\n')
    if pipe:
        reviews, x = pipe
        scope = '' if reviews == 25000 else ' (on %s reviews: the quick and full runs use the 25,000)' % reviews
        out.append('- Data pipeline on the 25,000 training reviews, torchrnn at least 5x faster: %.1fx, %s%s.'
                   % (x, verdict(x >= 5), scope))
        if reviews == 25000:  # issue 23: 10x in the full run, 7x in the quick one
            want = 10 if mode == 'full' else 7
            out.append('- Data pipeline at least %dx in the %s run (issue 23): %.1fx, %s.'
                       % (want, mode, x, verdict(x >= want)))
    same = []
    for kind in ('packed', 'padded', 'lm'):
        go, py = rows[kind]['go'], rows[kind]['python']
        if go and py:
            x = ratio(med(go, 'tokens_per_s'), med(py, 'tokens_per_s'))
            same.append('%s %.2fx, %s' % (kind, x, verdict(x >= 1.0)))
    if same:
        out.append("- Training, same model, strategy and batches, torchrnn's tokens/s at least 1.0x PyTorch's: %s."
                   % '; '.join(same))
    evals = [(ratio(med(py, 'eval_s'), med(go, 'eval_s')), name) for _, name, go, py in pairs(rows)]
    if evals:
        out.append('- Evaluation at least 1.1x PyTorch on every classifier row (issue 23): %s, %s.'
                   % ('; '.join('%s %.2fx' % (name, x) for x, name in evals), verdict(min(evals)[0] >= 1.1)))
    go, py = rows['lm']['go'], rows['lm']['python']
    if go and py:
        x = ratio(med(go, 'tokens_per_s'), med(py, 'tokens_per_s'))
        same = rows['blas']['python']
        if same:  # judged against PyTorch with the same OpenBLAS kernels
            y = ratio(med(go, 'tokens_per_s'), med(same, 'tokens_per_s'))
            out.append('- Language model training at least 1.05x PyTorch (issue 23): %.2fx against PyTorch with the '
                       "same OpenBLAS kernels, %s (%.2fx against PyTorch with OpenBLAS's own choice)."
                       % (y, verdict(y >= 1.05), x))
        else:
            out.append('- Language model training at least 1.05x PyTorch (issue 23): %.2fx, %s.' % (x, verdict(x >= 1.05)))
    go, py = rows['sample1']['go'], rows['sample1']['python']
    if go and py:
        speed = lambda r: r['sample_chars'] / r['sample_s']  # noqa: E731
        x = ratio(med(go, speed), med(py, speed))
        out.append('- Character LM sampling, one stream, one thread, at least 1.5x PyTorch (issue 23): %.2fx, %s.'
                   % (x, verdict(x >= 1.5)))
    go, py = rows['default']['go'], rows['packed']['python']
    if go and py:
        x = ratio(med(go, 'tokens_per_s'), med(py, 'tokens_per_s'))
        out.append("- torchrnn's default CPU training at least 8x the tokens/s of the seed's packed pipeline: "
                   '%.1fx, %s.' % (x, verdict(x >= 8)))
    memory = [(ratio(med(go, 'peak_rss_mib'), med(py, 'peak_rss_mib')), kind, go[0]['examples'])
              for kind, _, go, py in pairs(rows)]
    if memory:
        x, kind, n = max(memory)
        if n == 25000:
            out.append("- Peak memory of a full-IMDB training run at most 1.5x the Python process's: at most %.2fx "
                       '(%s), %s.' % (x, kind, verdict(x <= 1.5)))
        else:
            out.append("- Peak memory at most 1.5x the Python process's: at most %.2fx (%s) on %s training "
                       'reviews; the full run checks it on the full IMDB.' % (x, kind, f'{n:,}'))
    out.append('')


def machine():
    cpu, mem = platform.processor() or 'an unknown CPU', 0
    try:
        with open('/proc/cpuinfo') as f:
            cpu = next(line.split(':', 1)[1].strip() for line in f if line.startswith('model name'))
        with open('/proc/meminfo') as f:
            mem = int(next(line.split()[1] for line in f if line.startswith('MemTotal'))) / 2**20
    except (OSError, StopIteration):
        pass
    return '%s, %d cores, %.0f GiB' % (cpu, os.cpu_count(), mem)


def deb(package):
    try:
        v = subprocess.run(['dpkg-query', '-W', '-f=${Version}', package], capture_output=True, text=True).stdout
    except OSError:
        v = ''
    return v.strip() or '?'


def duration(s):
    s = int(round(s))
    return '%dm%02ds' % (s // 60, s % 60) if s >= 60 else '%ds' % s


def section(work):
    with open(os.path.join(work, 'info.json')) as f:
        info = json.load(f)
    rows = {kind: load(work, kind) for kind in ('packed', 'tuned', 'padded', 'default', 'lm', 'blas', 'sample1', 'sample16')}
    runs = [r for kind in rows.values() for side in kind.values() for r in side]
    libs = sorted({r['libtorch'] for r in runs})
    version = lambda lang: next((r['version'] for r in runs if r['lang'] == lang), '?')  # noqa: E731
    same = 'both sides mapped `%s`' % libs[0] if len(libs) == 1 else \
        'the sides mapped different libtorch builds: ' + ', '.join('`%s`' % lib for lib in libs)
    title = {'smoke': 'Smoke run', 'quick': 'Quick run', 'full': 'Full run', 'sampling': 'Sampling run'}[info['mode']]
    out = ['### %s: `%s`\n' % (title, info['command'])]
    out.append('Measured %s (%s in all) on %s; load average %s before, %s after. %s with libtorch %s (Debian '
               'libtorch1.13 %s) against Python %s with torch %s (Debian python3-torch %s); %s. Medians of %d '
               'run%s of each, Go and Python taking turns.\n'
               % (info['date'], duration(info['seconds']), machine(), info['load_before'], info['load_after'],
                  info['go'], version('go'), deb('libtorch1.13'), platform.python_version(), version('python'),
                  deb('python3-torch'), same, info['reps'], '' if info['reps'] == 1 else 's'))
    pipe = pipeline_table(out, load(work, 'pipeline'), info.get('pipe_reps', info['reps']))
    training_table(out, rows)
    fwd_bwd_table(out, rows)
    results_table(out, rows)
    targets(out, rows, pipe, info['mode'])
    return '\n'.join(out).rstrip('\n') + '\n'


def write(path, mode, text):
    """Replaces the text between mode's markers in path, atomically."""
    begin, end = markers(mode)
    block = '%s\n%s%s' % (begin, text, end)
    doc = open(path).read() if os.path.exists(path) else '# Benchmarks\n'
    if begin in doc and end in doc:
        doc = doc[:doc.index(begin)] + block + doc[doc.index(end) + len(end):]
    elif HEADING in doc:
        i = doc.index(HEADING) + len(HEADING)
        doc = doc[:i] + '\n\n' + block + doc[i:]
    else:
        doc = doc.rstrip('\n') + '\n\n' + HEADING + '\n\n' + block + '\n'
    with open(path + '.tmp', 'w') as f:
        f.write(doc)
    os.replace(path + '.tmp', path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('work', help="run.sh's folder of results")
    ap.add_argument('--write', metavar='FILE', help='markdown file whose section to replace')
    a = ap.parse_args()
    text = section(a.work)
    print(text)
    if a.write:
        with open(os.path.join(a.work, 'info.json')) as f:
            write(a.write, json.load(f)['mode'], text)


if __name__ == '__main__':
    main()
