#!/usr/bin/env python3
"""scan-console.py CONSOLE EXPECTED: fail on kernel reports no test meant.

Every report in the console log (KASAN, UBSAN, lockdep, WARNING, BUG,
DMA-API errors, kmemleak) is attributed to the KUnit case whose result line
follows it. A report passes only if EXPECTED lists that case with a pattern
matching the report's first line; anything else is printed and fails. A
case EXPECTED marks with a leading '!' must also have provoked such a
report somewhere in the console if it ran and did not skip (a WARN_ONCE
fires on a module's first load only).
"""
import re
import sys

REPORT = re.compile(r'BUG: KASAN|UBSAN:|WARNING: |BUG: |'
                    r'possible (recursive|circular) locking|'
                    r'inconsistent lock state|lock held when returning|'
                    r'DMA-API: (?!preallocated|debugging enabled)|'
                    r'kmemleak: \d+ new suspected')
# A KUnit case's result (one level in); parameters of a case sit deeper.
RESULT = re.compile(r'^ {4}(?:not )?ok \d+ (\S+)(?: #.*)?$')
STAMP = re.compile(r'^\[\s*\d+\.\d+\]\s?')


def main():
    console, expected_path = sys.argv[1], sys.argv[2]
    expected, required = [], []
    with open(expected_path) as f:
        for line in f:
            line = line.split('#', 1)[0].strip()
            if line:
                case, pattern = line.split(None, 1)
                if case.startswith('!'):
                    case = case[1:]
                    required.append((case, re.compile(pattern)))
                expected.append((case, re.compile(pattern)))

    pending, reports, ran = [], [], set()
    with open(console, errors='replace') as f:
        for raw in f:
            line = STAMP.sub('', raw.rstrip('\r\n'))
            if REPORT.search(line):
                pending.append(line)
            m = RESULT.match(line)
            if m and '# SKIP' not in line:
                ran.add(m.group(1))
            if m and pending:
                reports += [(m.group(1), r) for r in pending]
                pending = []
    reports += [('(after the last test)', r) for r in pending]

    bad = [(c, r) for c, r in reports
           if not any(c == ec and ep.search(r) for ec, ep in expected)]
    print(f'  console scan: {len(reports)} reports, {len(reports) - len(bad)} '
          f'provoked on purpose, {len(bad)} unexpected')
    for case, report in bad:
        print(f'UNEXPECTED in {case}: {report}')
    missing = [c for c, p in required if c in ran and
               not any(c == rc and p.search(r) for rc, r in reports)]
    for case in missing:
        print(f'MISSING in {case}: it ran but did not provoke its report')
    return 1 if bad or missing else 0


if __name__ == '__main__':
    sys.exit(main())
