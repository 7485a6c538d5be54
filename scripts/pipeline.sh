#!/bin/bash
# The whole job: install what is missing, prepare the pinned tree with the
# series, build the kernel, run KUnit on every target, print the table.
# Exits non-zero if any stage or any target failed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

mkdir -p "$RESULTS"
rm -f "$RESULTS/stages.tsv"
targets=$(grep -Ev '^(#|$)' "$TOP/config/targets" | awk '{print $1}')

stage deps bash "$TOP/scripts/deps.sh"
stage prepare bash "$TOP/scripts/prepare.sh"
stage build bash "$TOP/scripts/build.sh"
failed=0
for t in $targets; do
	stage "test $t" bash "$TOP/scripts/run.sh" "$t" || failed=1
done

python3 - "$RESULTS" $targets <<'PY'
import json, os, sys

results, targets = sys.argv[1], sys.argv[2:]
times = {}
for line in open(os.path.join(results, 'stages.tsv')):
    name, secs, rc = line.rstrip('\n').split('\t')
    times[name] = (int(secs), int(rc))

def count(group, tally):
    for case in group.get('test_cases', []):
        tally[case['status']] = tally.get(case['status'], 0) + 1
    for sub in group.get('sub_groups', []):
        count(sub, tally)
    return tally

print('\nstage                 time')
for name, (secs, rc) in times.items():
    print(f'{name:<20} {secs // 60:3d}m{secs % 60:02d}s{"  FAILED" if rc else ""}')
print(f'\n{"target":<16} {"passed":>6} {"failed":>6} {"skipped":>7} {"wall":>7}  result')
for t in targets:
    path = os.path.join(results, t, 'results.json')
    tally = count(json.load(open(path)), {}) if os.path.exists(path) else {}
    secs, rc = times.get('test ' + t, (0, 1))
    bad = tally.get('FAIL', 0) + tally.get('ERROR', 0)
    print(f'{t:<16} {tally.get("PASS", 0):6d} {bad:6d} {tally.get("SKIP", 0):7d} '
          f'{secs // 60:3d}m{secs % 60:02d}s  {"FAIL" if rc else "ok"}')
PY
((failed == 0)) || die "at least one target failed (logs in $RESULTS)"
log "all targets passed"
