#!/usr/bin/env python3
"""Checks that bam-exporter and mtail produced the same numbers (mtail's `prog` label ignored).

usage: compare.py BAM.prom MTAIL.prom   -- exit 1 on any difference
"""
import math, re, sys

LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')

def load(path):
    series = {}
    for line in open(path):
        m = LINE.match(line)
        if not m or line.startswith('#'):
            continue
        labels = tuple(sorted((k, v) for k, v in LABEL.findall(m.group(2) or '') if k != 'prog'))
        series[(m.group(1), labels)] = float(m.group(3))
    return series

bam, mtail = load(sys.argv[1]), load(sys.argv[2])
names = {'transactions_total', 'transaction_amount_completed_total', 'response_time_ms_bucket',
         'response_time_ms_sum', 'response_time_ms_count'}
want = {k: v for k, v in mtail.items() if k[0] in names}
if not want:
    sys.exit('compare: mtail output has none of the benchmark metrics')
bad = 0
for key, v in sorted(want.items()):
    got = bam.get(key)
    if got is None or not math.isclose(got, v, rel_tol=1e-9, abs_tol=1e-6):
        print(f'DIFF {key}: mtail={v} bam={got}')
        bad += 1
print(f'compare: {len(want)} series, {bad} differences')
sys.exit(1 if bad else 0)
