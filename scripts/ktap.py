#!/usr/bin/env python3
"""ktap.py KUNIT_DIR CONSOLE JSON DOCUMENTS: the results of a module kernel.

Each module load prints a KTAP document of its own (KUnit's header, then
the module's suites), and kunit.py's parser stops after the first one.
Split the console at every top-level "KTAP version" line, parse each
document with kunit.py's own parser (KUNIT_DIR/kunit_parser.py), print
its results as kunit.py does, and write all of them as one kunit.py JSON
result. Fails on any failed, crashed or unparsable document, or unless
there are exactly DOCUMENTS of them (one per suite module load).
"""
import re
import sys

kunit_dir, console, json_path, want = sys.argv[1:5]
sys.path.insert(0, kunit_dir)
import kunit_json  # noqa: E402
import kunit_parser  # noqa: E402

# A document starts unindented, after the printk time stamp if any.
TOP = re.compile(r'^(\[\s*\d+\.\d+\] ?)?KTAP version \d+\s*$')

docs = []
with open(console, errors='replace') as f:
    for line in f:
        line = line.replace('\r', '')
        if TOP.match(line):
            docs.append([])
        if docs:
            docs[-1].append(line)

run = kunit_parser.Test()
run.name = 'modules'
bad = 0
for doc in docs:
    test = kunit_parser.parse_run_tests(doc)
    run.subtests += test.subtests
    run.counts.add_subtest_counts(test.counts)
    if test.status not in (kunit_parser.TestStatus.SUCCESS,
                           kunit_parser.TestStatus.SKIPPED,
                           kunit_parser.TestStatus.NO_TESTS):
        bad += 1
run.status = run.counts.get_status()
with open(json_path, 'w') as f:
    f.write(kunit_json.get_json_result(run, kunit_json.Metadata()))
print(f'{len(docs)} KTAP documents (module loads), {bad} not ok; all: {run.counts}')
if len(docs) != int(want):
    print(f'error: expected {want} KTAP documents, one per suite module load')
    sys.exit(1)
sys.exit(1 if bad or run.counts.errors else 0)
