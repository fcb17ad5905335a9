"""What classify.py and charlm.py share with each other and with the Go
command in this folder: threads, the batch order, the measurements and the
JSON line each run prints (the keys of main.go's Result)."""
import ctypes
import json
import os
import sys
import time

import torch

MASK = (1 << 64) - 1


def set_threads(n):
    """libtorch intra-op threads, as the Go side's libtorch.SetThreads."""
    torch.set_num_threads(n)


def splitmix64(x):
    """Steele, Lea and Flood's mixing function, a bijection on 64-bit integers."""
    x = (x + 0x9E3779B97F4A7C15) & MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK
    return x ^ (x >> 31)


def shuffled(n, seed):
    """0..n-1 sorted by splitmix64(seed*n + i): the Go side's permutation."""
    return sorted(range(n), key=lambda i: splitmix64((seed * n + i) & MASK))


class Clock:
    """Wall and CPU seconds (user + system, all threads) since it started."""

    def __init__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def stop(self):
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


def peak_rss_mib():
    """VmHWM of this process in MiB, 0 if unknown."""
    try:
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith('VmHWM:'):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0


def libtorch_path():
    """The libtorch_cpu library mapped into this process."""
    try:
        with open('/proc/self/maps') as f:
            for line in f:
                fields = line.split()
                if len(fields) == 6 and 'libtorch_cpu' in fields[5]:
                    return fields[5]
    except OSError:
        pass
    return ''


def blas_core():
    """OpenBLAS's kernel set in this process ('Prescott', 'Haswell', ...), or ''."""
    try:
        with open('/proc/self/maps') as f:
            paths = [line.split()[5] for line in f if len(line.split()) == 6 and 'libopenblas' in line.split()[5]]
        if paths:
            name = ctypes.CDLL(paths[0]).openblas_get_corename
            name.restype = ctypes.c_char_p
            return name().decode()
    except (OSError, AttributeError):
        pass
    return ''


def need(path, what):
    if not os.path.exists(path):
        sys.exit('%s: no %s at %s' % (os.path.basename(sys.argv[0]), what, path))


def emit(task, strategy, threads, examples, vocab, load_s, tr, va, **extra):
    """Prints the run's JSON line, the keys of main.go's Result, from the
    training and evaluation passes tr and va."""
    r = dict(lang='python', task=task, strategy=strategy, bucket=False, threads=threads, examples=examples,
             vocab=vocab, batches=tr['batches'], tokens=tr['tokens'], load_s=load_s, train_s=tr['seconds'],
             train_cpu_s=tr['cpu'], tokens_per_s=tr['tokens'] / tr['seconds'] if tr['seconds'] else 0, train_loss=tr['loss'],
             train_acc=tr.get('acc', 0), eval_s=va['seconds'], eval_examples=va['examples'],
             eval_tokens=va['tokens'], eval_loss=va['loss'], eval_acc=va.get('acc', 0), sample_chars=0, sample_s=0,
             peak_rss_mib=peak_rss_mib(), libtorch=libtorch_path(), version=torch.__version__,
             blas=blas_core(), blas_fitted=False)
    r.update(extra)
    print(json.dumps(r), flush=True)
