#!/usr/bin/env python3
"""Reference outputs of the seed's Python tokenizer and vocabulary code.

The Go tests in ../ run this script with the system python3 and compare.

  seed_tokenizer.py corpus ARCHIVE TOKENS VOCAB
      Tokenize every labelled review of the aclImdb archive (.tar.xz or
      .tar.gz) with the seed tokenizer. TOKENS gets one line per review,
      "<member path>\t<tokens joined by one space>" (tokens never hold white
      space). VOCAB gets the seed's vocabulary of the 25,000 train reviews,
      counted in the order the Go reader defines (neg then pos, each by
      numeric id): one token per line in id order, starting at id 2.
  seed_tokenizer.py golden < strings.json > golden.json
      For a JSON list of strings, write [{"text", "imdb", "whitespace"}].
  seed_tokenizer.py unicode OUT
      For every code point write one flag byte (see unicode_flags), then
      one line "<hex cp> <hex cps of c.lower()>" per code point whose
      lower() differs from itself.
"""
import json
import re
import sys
import tarfile
import unicodedata
from collections import Counter


def tokenizer(text):  # the seed, verbatim
    text = re.sub('<[^>]*>', '', text)
    emoticons = re.findall('(?::|;|=)(?:-)?(?:\)|\(|D|P)', text.lower())
    text = re.sub('[\W]+', ' ', text.lower()) + ' '.join(emoticons).replace('-', '')
    return text.split()


def whitespace(text):
    return text.lower().split()


def review_key(path):
    """(split, label, id) of aclImdb/<split>/<neg|pos>/<id>_<rating>.txt, or None."""
    parts = path.split('/')
    if len(parts) < 3 or not parts[-1].endswith('.txt'):
        return None
    split, label, name = parts[-3:]
    if split not in ('train', 'test') or label not in ('neg', 'pos'):
        return None
    return split, label, int(name[:-4].split('_')[0])


def corpus(archive, tokens_out, vocab_out):
    reviews = []
    with tarfile.open(archive) as tar:
        for m in tar:
            key = m.isfile() and review_key(m.name)
            if key:
                text = tar.extractfile(m).read().decode('utf-8', errors='replace')
                reviews.append((key, m.name, text))
    reviews.sort(key=lambda r: r[0])
    counts = Counter()
    with open(tokens_out, 'w', encoding='utf-8', newline='\n') as f:
        for key, name, text in reviews:
            toks = tokenizer(text)
            f.write(name + '\t' + ' '.join(toks) + '\n')
            if key[0] == 'train':
                counts.update(toks)
    word_to_int = {w: i for i, (w, _) in
                   enumerate(sorted(counts.items(), key=lambda x: x[1], reverse=True), 2)}
    with open(vocab_out, 'w', encoding='utf-8', newline='\n') as f:
        for w in word_to_int:  # dicts keep insertion order = id order
            f.write(w + '\n')


def golden():
    texts = json.load(sys.stdin)
    out = [{'text': t, 'imdb': tokenizer(t), 'whitespace': whitespace(t)} for t in texts]
    json.dump(out, sys.stdout, ensure_ascii=True, indent=1)
    sys.stdout.write('\n')


def unicode_flags(c):
    """bit 0: \\w; 1: isspace; 2: case-ignorable; 3: cased (and not
    ignorable); 4: lower() differs; 5: unassigned in this Unicode version."""
    lower_sigma_after = ('A' + c + '\u03a3').lower()[-1] == '\u03c2'  # ignorable or cased
    lower_sigma_before = ('A\u03a3' + c).lower()[1] == '\u03c2'  # ignorable or not cased
    ignorable = lower_sigma_after and lower_sigma_before
    is_cased = lower_sigma_after and not lower_sigma_before
    return (bool(re.fullmatch(r'\w', c)) | c.isspace() << 1 | ignorable << 2 |
            is_cased << 3 | (c.lower() != c) << 4 |
            (unicodedata.category(c) == 'Cn') << 5)


def unicode_table(out):
    flags = bytearray()
    lowers = []
    for cp in range(0x110000):
        c = chr(cp)
        flags.append(unicode_flags(c))
        if c.lower() != c:
            lowers.append('%x %s\n' % (cp, ','.join('%x' % ord(x) for x in c.lower())))
    with open(out, 'wb') as f:
        f.write(bytes(flags))
        f.write(''.join(lowers).encode('ascii'))


if __name__ == '__main__':
    mode = sys.argv[1] if len(sys.argv) > 1 else ''
    if mode == 'corpus' and len(sys.argv) == 5:
        corpus(*sys.argv[2:])
    elif mode == 'golden':
        golden()
    elif mode == 'unicode' and len(sys.argv) == 3:
        unicode_table(sys.argv[2])
    else:
        sys.exit(__doc__)
