"""gdb -batch -x bench-trace.py VMLINUX: where one call of a dma_bench
method spends its instructions, exactly. Connects to a QEMU guest
started with -s -S, stops at the (NTH+1)th call of FUNC (the method's
function in kernel/dma/bench_kunit.c), single-steps it to its return and
writes, one line per kernel function, the instructions executed in it
("count function"), then "count TOTAL". x86_64 guests only.

Environment: FUNC, NTH, SYSMAP (System.map of VMLINUX), OUT.
"""
import bisect
import collections
import os

import gdb

func, nth, out = os.environ['FUNC'], int(os.environ['NTH']), os.environ['OUT']
syms = []
with open(os.environ['SYSMAP']) as f:
    for line in f:
        addr, kind, name = line.split()[:3]
        if kind in 'tTwW':
            syms.append((int(addr, 16), name))
syms.sort()
addrs = [a for a, _ in syms]
entry = [a for a, n in syms if n == func]
if not entry:
    raise gdb.GdbError(f'no function {func} in System.map')


def where(pc):
    i = bisect.bisect_right(addrs, pc) - 1
    return syms[i][1] if i >= 0 else '?'


def reg(name):
    return int(gdb.parse_and_eval(name))


gdb.execute('set pagination off')
gdb.execute('target remote :1234')
gdb.execute(f'break *{entry[0]:#x}')
gdb.execute(f'ignore 1 {nth}')
gdb.execute('continue')
# At the entry: the return address is on top of the stack.
sp0, ret = reg('$rsp'), reg('*(unsigned long *)$rsp')
gdb.execute('delete')
counts = collections.Counter()
while not (reg('$pc') == ret and reg('$rsp') > sp0):
    counts[where(reg('$pc'))] += 1
    gdb.execute('stepi', to_string=True)
with open(out, 'w') as f:
    for name, n in counts.most_common():
        f.write(f'{n} {name}\n')
    f.write(f'{sum(counts.values())} TOTAL\n')
gdb.execute('kill')
