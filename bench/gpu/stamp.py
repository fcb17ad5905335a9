"""Prefix each line of stdin with the Unix time it arrived, at once.

Lines end at a newline or a carriage return (a progress bar's redraws), so
a program's output is stamped as it comes however its pipe buffers; empty
lines and lines matching --drop (a regular expression, from the line's
start) are left out. scripts/gpu-check.sh uses the stamps for the windows
in which the GPU's utilization is averaged.
"""
import argparse
import os
import re
import sys
import time


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--drop', help='leave out lines that match this at their start')
    drop = re.compile(ap.parse_args().drop or r'(?!)')
    rest = b''
    while True:
        chunk = os.read(0, 1 << 16)
        lines = re.split(rb'[\r\n]', rest + chunk)
        rest = lines.pop() if chunk else b''
        for line in lines:
            text = line.decode(errors='replace')
            if text and not drop.match(text):
                sys.stdout.write(f'{time.time():.3f} {text}\n')
        sys.stdout.flush()
        if not chunk:
            return


if __name__ == '__main__':
    main()
