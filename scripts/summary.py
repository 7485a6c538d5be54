#!/usr/bin/env python3
"""summary.py RESULTS TARGET...: print stage times and a per-target table
from RESULTS/stages.tsv and each target's kunit.py JSON results."""
import json
import os
import sys


def count(group, tally):
    for case in group.get('test_cases', []):
        tally[case['status']] = tally.get(case['status'], 0) + 1
    for sub in group.get('sub_groups', []):
        count(sub, tally)
    return tally


def mmss(secs):
    return f'{secs // 60:3d}m{secs % 60:02d}s'


results, targets = sys.argv[1], sys.argv[2:]
times = {}
with open(os.path.join(results, 'stages.tsv')) as f:
    for line in f:
        name, secs, rc = line.rstrip('\n').split('\t')
        times[name] = (int(secs), int(rc))

print(f'\n{"stage":<30} {"time":>7}')
for name, (secs, rc) in times.items():
    print(f'{name:<30} {mmss(secs)}{"  FAILED" if rc else ""}')
print(f'\n{"target":<24} {"passed":>6} {"failed":>6} {"skipped":>7} {"wall":>7}  result')
for t in targets:
    path = os.path.join(results, t, 'results.json')
    tally = {}
    if os.path.exists(path):
        with open(path) as f:
            tally = count(json.load(f), {})
    secs, rc = times.get('test ' + t, (0, 1))
    bad = tally.get('FAIL', 0) + tally.get('ERROR', 0)
    verdict = 'not run' if 'test ' + t not in times else ('FAIL' if rc else 'ok')
    print(f'{t:<24} {tally.get("PASS", 0):6d} {bad:6d} {tally.get("SKIP", 0):7d} '
          f'{mmss(secs)}  {verdict}')
