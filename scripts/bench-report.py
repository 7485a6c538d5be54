#!/usr/bin/env python3
"""bench-report.py DIR: ratios.md and bench.png from DIR/bench.csv, with
the per-function tables from DIR/profile.csv when bench-profile.sh ran.

bench.csv has one record per round (boot), kernel (series, base), target,
method and page count: the median, min and max ns per page over the timed
runs of that boot, or 'error -N' for a method that failed there
(dma_map_resource() in a dom0 without this series, for one). Figures are
the median over the rounds.
"""
import csv
import os
import subprocess
import sys

out = sys.argv[1]
# The clock of the boots (bench.sh): QEMU's icount arguments, or host time.
clock_path = os.path.join(out, 'clock')
clock = open(clock_path).read().strip() if os.path.exists(clock_path) else 'host time'
icount = '-icount' in clock
unit = ('instructions per page (QEMU icount, shift=0: the guest clock '
        'advances one ns per guest instruction; not hardware time)'
        if icount else 'ns per page of host time under TCG')
runs = {}
errors = {}
with open(os.path.join(out, 'bench.csv')) as f:
    for r in csv.DictReader(f):
        key = (r['kernel'], r['target'], r['method'], int(r['pages']))
        if r['ns_median'].startswith('error'):
            errors[key] = r['ns_median']
        else:
            runs.setdefault(key, []).append(int(r['ns_median']))
# The median over the rounds (boots) of each boot's median.
ns = {k: sorted(v)[len(v) // 2] for k, v in runs.items()}
# And the best boot: under TCG a whole boot can run slow, never fast.
best = {k: min(v) for k, v in runs.items()}
rounds = max((len(v) for v in runs.values()), default=0)
# Each target's dma_kunit.platform and architecture (bench.sh).
platform, arch = {}, {}
with open(os.path.join(out, 'platforms.csv')) as f:
    for line in f:
        if line.strip():
            t, platform[t], arch[t] = line.strip().split(',')
xen = {t for t, p in platform.items() if p == 'xen'}
targets = sorted({k[1] for k in ns}, key=lambda t: (arch[t] != 'x86_64',
                                                    t in xen, t))


def direct_of(t, kernel='series'):
    """dma-direct's map_resource on t's architecture: timed on a device
    outside any IOMMU on a bare target (a Xen dom0 has none that is not
    swiotlb-xen)."""
    return next(((kernel, d, 'map_resource_direct', 1) for d in targets
                 if arch[d] == arch[t] and d not in xen and
                 (kernel, d, 'map_resource_direct', 1) in ns), None)


def compared(t, iova_pages):
    """The comparisons behind the goals on target t, as (what, a, b): the
    per-function tables (perf and single-step) set a beside b."""
    s, d = ('series', t), direct_of(t)
    pairs = [(f'{t}: iova_link vs the IOMMU API floor, {iova_pages} pages',
              s + ('iova_link', iova_pages), s + ('iommu_floor', iova_pages)),
             (f'{t}: map_resource, series vs base',
              s + ('map_resource', 1), ('base', t, 'map_resource', 1))]
    if d and t not in xen and d[1] == t:
        pairs.append((f'{t}: dma-direct map_resource, series vs base',
                      d, direct_of(t, 'base')))
    if d and t in xen:
        pairs.append((f'{t}: swiotlb-xen map_resource vs dma-direct '
                      f'({d[1]})', s + ('map_resource', 1), d))
    return pairs


def ratio(a, b, of=None):
    of = of or ns
    if a not in of or b not in of:
        return None
    return of[a] / max(of[b], 1)


rows = []  # (target, what, (a, b), goal)
for t in targets:
    s = ('series', t)
    rows += [
        (t, 'iova_link / map_page loop, 512 pages',
         (s + ('iova_link', 512), s + ('map_page', 512)), 0.5),
        (t, 'iova_link / map_sg, 512 pages',
         (s + ('iova_link', 512), s + ('map_sg', 512)), 1.0),
        (t, 'iova_link / IOMMU API floor, 512 pages',
         (s + ('iova_link', 512), s + ('iommu_floor', 512)), 1.15),
        (t, 'map_resource: series / base',
         (s + ('map_resource', 1), ('base', t, 'map_resource', 1)), 1.02),
        (t, 'map_page (1 page): series / base',
         (s + ('map_page', 1), ('base', t, 'map_page', 1)), None),
        (t, 'map_resource / map_phys(DMA_ATTR_MMIO)',
         (s + ('map_resource', 1), s + ('map_phys_mmio', 1)), None),
    ]
    if t not in xen and direct_of(t) and direct_of(t)[1] == t:
        rows.append((t, 'dma-direct map_resource: series / base',
                     (direct_of(t), direct_of(t, 'base')), 1.02))
    if t in xen and direct_of(t):
        rows.append((t, f'swiotlb-xen map_resource / dma-direct '
                     f'({direct_of(t)[1]})',
                     (s + ('map_resource', 1), direct_of(t)), 1.05))

with open(os.path.join(out, 'ratios.md'), 'w') as f:
    if icount:
        again = sorted({k[1] for k, v in runs.items() if len(v) > 1})
        f.write(f'Figures: {unit}, one boot per kernel and target; '
                f'booted again on {", ".join(again) or "no target"}, each '
                'kernel printed identical figures (bench.sh checks).\n\n'
                '| target | ratio | ratio of instructions | goal | met |\n'
                '|---|---|---|---|---|\n')
    else:
        f.write(f'Figures: {unit}. Ratios of the median over {rounds} boots '
                'of each kernel, and of the best boot (the fastest boot of '
                'each, as a whole boot may run slow under TCG); "met" '
                'judges the median.\n\n'
                '| target | ratio | median boot | best boot | goal | met |\n'
                '|---|---|---|---|---|---|\n')
    for t, what, (a, b), goal in rows:
        r, rb = ratio(a, b), ratio(a, b, best)
        if r is None:
            continue
        met = '' if goal is None else ('yes' if r <= goal else 'no')
        cols = f'{r:.3f}' if icount else f'{r:.2f} | {rb:.2f}'
        f.write(f'| {t} | {what} | {cols} | '
                f'{"" if goal is None else f"<= {goal}"} | {met} |\n')
    if errors:
        f.write('\nFailed there (no figure):\n\n')
        for (k, t, m, n), e in sorted(errors.items()):
            f.write(f'- {k} kernel, {t}: {m} ({n} page{"s" * (n > 1)}): {e}\n')
    f.write(f'\nSeries kernel, {unit}:\n\n')
    methods = ['map_page', 'map_sg', 'iova_link', 'iommu_floor']
    f.write('| target | pages | ' + ' | '.join(methods) + ' |\n')
    f.write('|---|---|' + '---|' * len(methods) + '\n')
    for t in targets:
        for n in (1, 8, 64, 512):
            f.write(f'| {t} | {n} | ' + ' | '.join(
                str(ns.get(('series', t, m, n), '')) for m in methods) + ' |\n')
    f.write(f'\nOne page, {unit}:\n\n| target | kernel | ' +
            ' | '.join(['map_resource', 'map_phys_mmio', 'map_page_1',
                        'map_resource_direct']) + ' |\n|---|---|---|---|---|---|\n')
    for t in targets:
        for k in ('series', 'base'):
            f.write(f'| {t} | {k} | ' + ' | '.join(
                str(ns.get((k, t, m, 1), errors.get((k, t, m, 1), '')))
                for m in ('map_resource', 'map_phys_mmio', 'map_page_1',
                          'map_resource_direct')) + ' |\n')


# Where the time goes: perf samples taken under the timed loop of each
# method (bench-profile.sh), shared out over its median ns per page.
def profile_rows(name):
    """(kernel, target, method, pages) and the record, for each record of
    DIR/name, a bench-profile.sh output; none when it did not run."""
    path = os.path.join(out, name)
    if not os.path.exists(path):
        return
    with open(path) as f:
        for r in csv.DictReader(f):
            yield (r['kernel'], r['target'], r['method'], int(r['pages'])), r


samples = {}
for key, r in profile_rows('profile.csv'):
    samples.setdefault(key, {})[r['symbol']] = int(r['samples'])
# The ns per page the reruns timed in the profiling boot itself: the
# shares and the total then come from the same boot.
prof_runs = {}
for key, r in profile_rows('profile-runs.csv'):
    prof_runs.setdefault(key, []).append(int(r['ns']))
prof_ns = {k: sorted(v)[len(v) // 2] for k, v in prof_runs.items()}


def per_symbol(key):
    """ns per page of each kernel function for one method, or None."""
    if key not in samples or key not in prof_ns:
        return None
    total = sum(samples[key].values())
    return ({sym: prof_ns[key] * n / total for sym, n in samples[key].items()},
            total)


pairs = [p for t in targets for p in compared(t, 512)]
with open(os.path.join(out, 'ratios.md'), 'a') as f:
    for what, a, b in pairs:
        pa, pb = per_symbol(a), per_symbol(b)
        if not pa or not pb:
            continue
        (sa, na), (sb, nb) = pa, pb
        ta, tb = prof_ns[a], prof_ns[b]
        per = 'instructions' if icount else 'ns'
        f.write(f'\nWhere the {per} go, {what}: {per} per page of each '
                f'kernel function, from perf samples ({na} and {nb}) under '
                f'the timed loop, shared out over the median {per} per '
                f'page of the {len(prof_runs[a])} and {len(prof_runs[b])} '
                'reruns timed in the profiling boot (ratio '
                f'{ta / tb:.3f}). Functions over 3% of either side:\n\n'
                f'| function | {a[0]} {a[1]} {a[2]} | {b[0]} {b[1]} {b[2]} '
                '| difference |\n'
                '|---|---|---|---|\n')
        syms = set(sa) | set(sb)
        big = [x for x in syms if max(sa.get(x, 0) / ta,
                                      sb.get(x, 0) / tb) >= 0.03]
        for x in sorted(big, key=lambda x: (sb.get(x, 0) - sa.get(x, 0), x)):
            f.write(f'| {x} | {sa.get(x, 0):.0f} | {sb.get(x, 0):.0f} | '
                    f'{sa.get(x, 0) - sb.get(x, 0):+.0f} |\n')
        ra = sum(v for x, v in sa.items() if x not in big)
        rb = sum(v for x, v in sb.items() if x not in big)
        f.write(f'| (the rest) | {ra:.0f} | {rb:.0f} | {ra - rb:+.0f} |\n'
                f'| total | {ta} | {tb} | {ta - tb:+} |\n')

# Where the instructions go, exactly: one call of each method single-
# stepped (bench-trace.sh), instructions per kernel function.
def trace(kernel, t, method, pages):
    path = os.path.join(out, f'trace-{kernel}-{t}-{method}-{pages}.txt')
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return {name: int(n) for n, name in (line.split() for line in f)}


# The same comparisons, with the IOVA ones on 64 pages (a single-step
# trace of 512 would take long), and one page of dma_map_page().
tpairs = [p for t in targets if arch[t] == 'x86_64'
          for p in compared(t, 64) + [
              (f'{t}: map_page (1 page), series vs base',
               ('series', t, 'map_page_1', 1), ('base', t, 'map_page_1', 1))]]
with open(os.path.join(out, 'ratios.md'), 'a') as f:
    for what, a, b in tpairs:
        ta, tb = trace(*a), trace(*b)
        if not ta or not tb:
            continue
        f.write(f'\nWhere the instructions go, {what}: one call of each '
                'single-stepped (bench-trace.sh), the instructions it '
                'executed in each kernel function that differs '
                f'(ratio {ta["TOTAL"] / tb["TOTAL"]:.3f}):\n\n'
                f'| function | {" ".join(a[:3])} | {" ".join(b[:3])} '
                '| difference |\n|---|---|---|---|\n')
        names = [n for n in set(ta) | set(tb) if n != 'TOTAL' and
                 ta.get(n, 0) != tb.get(n, 0)]
        for n in sorted(names, key=lambda n: (ta.get(n, 0) - tb.get(n, 0), n)):
            f.write(f'| {n} | {ta.get(n, 0)} | {tb.get(n, 0)} | '
                    f'{ta.get(n, 0) - tb.get(n, 0):+} |\n')
        f.write(f'| total | {ta["TOTAL"]} | {tb["TOTAL"]} | '
                f'{ta["TOTAL"] - tb["TOTAL"]:+} |\n')

# One panel per target: ns per page against pages per operation.
plot = []
for i, t in enumerate(targets):
    for m in ('map_page', 'map_sg', 'iova_link', 'iommu_floor'):
        pts = [(n, ns[('series', t, m, n)]) for n in (1, 8, 64, 512)
               if ('series', t, m, n) in ns]
        if pts:
            path = os.path.join(out, f'{t}.{m}.dat')
            with open(path, 'w') as f:
                f.writelines(f'{n} {v}\n' for n, v in pts)
            plot.append((i, m, path))
cols = min(len(targets), 3)
lines_of_panels = (len(targets) + cols - 1) // cols
script = [
    'set terminal pngcairo size %d,%d font ",10"' % (540 * cols,
                                                    400 * lines_of_panels),
    f'set output "{os.path.join(out, "bench.png")}"',
    f'set multiplot layout {lines_of_panels},{cols}',
    'set termoption noenhanced',
    'set logscale x 2', 'set logscale y', 'set xlabel "pages per operation"',
    'set ylabel "%s"' % ('instructions per page (icount)' if icount else 'ns per page (median)'),
    'set key outside right top vertical', 'set grid',
]
for i, t in enumerate(targets):
    lines = [f'"{p}" with linespoints title "{m}"'
             for j, m, p in plot if j == i]
    script += [f'set title "{t}"', 'plot ' + ', '.join(lines)]
script.append('unset multiplot')
subprocess.run(['gnuplot'], input='\n'.join(script), text=True, check=True)
print(open(os.path.join(out, 'ratios.md')).read())
