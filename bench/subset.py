#!/usr/bin/env python3
"""Unpacks part of the aclImdb archive for the benchmarks.

  subset.py ARCHIVE OUT TRAIN TEST

Writes OUT/{train,test}/{neg,pos}/<id>_<rating>.txt: in each label folder the
reviews with the TRAIN/2 (TEST/2) lowest ids, so that TRAIN reviews are half
negative, half positive; 25000 is a whole split, 0 leaves it out. The Go and
the Python sides of a benchmark then read the same folder.
"""
import os
import sys
import tarfile


def main(archive, out, n_train, n_test):
    if not os.path.isfile(archive):
        sys.exit('subset.py: no archive at %s' % archive)
    keep = {'train': n_train // 2, 'test': n_test // 2}
    written = 0
    with tarfile.open(archive) as tar:
        for m in tar:
            parts = m.name.split('/')
            if not m.isfile() or len(parts) < 3 or parts[-2] not in ('neg', 'pos') or parts[-3] not in keep:
                continue
            if int(parts[-1].split('_')[0]) >= keep[parts[-3]]:
                continue
            folder = os.path.join(out, parts[-3], parts[-2])
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder, parts[-1]), 'wb') as f:
                f.write(tar.extractfile(m).read())
            written += 1
    if written != 2 * (keep['train'] + keep['test']):
        sys.exit('subset.py: %s holds %d of the %d reviews asked for' % (archive, written, 2 * sum(keep.values())))


if __name__ == '__main__':
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
