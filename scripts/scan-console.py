#!/usr/bin/env python3
"""scan-console.py CONSOLE EXPECTED: fail on kernel reports no test meant.

Every report in the console log (KASAN, UBSAN, lockdep, WARNING, BUG,
DMA-API errors, kmemleak) is attributed to the KUnit case whose result line
follows it. Only a WARNING can be expected: EXPECTED lists "CASE FUNCTION
[MAX]", and a WARNING passes only if it comes from FUNCTION (the symbol
its "at FUNCTION+0x..." names: the kernel needs KALLSYMS) while CASE runs,
at most MAX times over the whole console (default 1: a WARN_ONCE). Any
other report fails. A CASE marked with a leading '!' must have provoked
its WARNING if it ran and did not skip.
"""
import re
import sys

REPORT = re.compile(r'BUG: KASAN|UBSAN:|WARNING: |BUG: |'
                    r'possible (recursive|circular) locking|'
                    r'inconsistent lock state|lock held when returning|'
                    r'DMA-API: (?!preallocated|debugging enabled)|'
                    r'kmemleak: \d+ new suspected')
# The function a WARNING comes from (with or without BUGVERBOSE's file:line).
WARNING = re.compile(r'WARNING: CPU: \d+ PID: \d+ at (?:\S+:\d+ )?([\w.]+)\+0x')
# A KUnit case's result (one level in); parameters of a case sit deeper.
RESULT = re.compile(r'^ {4}(?:not )?ok \d+ (\S+)(?: #.*)?$')
STAMP = re.compile(r'^\[\s*\d+\.\d+\]\s?')


def main():
    console, expected_path = sys.argv[1], sys.argv[2]
    expected, required = {}, []
    with open(expected_path) as f:
        for n, line in enumerate(f, 1):
            fields = line.split('#', 1)[0].split()
            if not fields:
                continue
            if len(fields) not in (2, 3) or \
                    (len(fields) == 3 and not fields[2].isdigit()):
                sys.exit(f'{expected_path}:{n}: want CASE FUNCTION [MAX]')
            case, func = fields[0].lstrip('!'), fields[1]
            if fields[0].startswith('!'):
                required.append((case, func))
            expected[(case, func)] = int(fields[2]) if len(fields) == 3 else 1

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

    seen, bad = {}, []
    for case, report in reports:
        m = WARNING.match(report)
        key = (case, m and m.group(1))
        seen[key] = seen.get(key, 0) + 1
        if key not in expected:
            bad.append((case, report))
        elif seen[key] > expected[key]:
            bad.append((case, f'{report} (more than {expected[key]}x)'))
    print(f'  console scan: {len(reports)} reports, {len(reports) - len(bad)} '
          f'provoked on purpose, {len(bad)} unexpected')
    for case, report in bad:
        print(f'UNEXPECTED in {case}: {report}')
    missing = [(c, f) for c, f in required if c in ran and (c, f) not in seen]
    for case, func in missing:
        print(f'MISSING in {case}: it ran but {func}() did not warn')
    return 1 if bad or missing else 0


if __name__ == '__main__':
    sys.exit(main())
