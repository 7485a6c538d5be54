#!/bin/bash
# Make work/linux: the pinned base tarball as a git repo (tagged), then
# every patch of series/ applied with git am. A patch that does not apply
# stops here and leaves the tree in git-am state.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

GIT=(git -C "$SRC" -c user.name=harness -c user.email=harness@localhost
     -c commit.gpgsign=false)

make_base() {
	local tmp=$WORK/linux.tmp
	rm -rf "$tmp"
	mkdir -p "$tmp"
	log "extracting base tarball"
	tar -xJf "$PKGS/base.tar.xz" -C "$tmp" --strip-components=1
	git -C "$tmp" init -q
	mv "$tmp" "$SRC"
	log "committing the untouched base"
	# Debian's top-level .gitignore ignores everything (/* then !/debian/):
	# force-add for the base, then drop that stanza so the tree behaves
	# as upstream for new files and build output.
	"${GIT[@]}" add -A -f
	"${GIT[@]}" commit -q -m "$BASE_PKG $BASE_VERSION (untouched tarball)"
	"${GIT[@]}" tag "$BASE_TAG-tarball"
	python3 - "$SRC/.gitignore" <<-'PY'
		import re, sys
		p = sys.argv[1]
		s = open(p).read()
		s, n = re.subn(r'#\n# Debian packaging:.*\Z', '', s, flags=re.S)
		if n != 1:
		    sys.exit(f'{p}: Debian packaging stanza not found')
		open(p, 'w').write(s)
	PY
	"${GIT[@]}" commit -q -a -m "gitignore: drop Debian's packaging stanza"
	"${GIT[@]}" tag "$BASE_TAG"
}

[ -f "$PKGS/base.tar.xz" ] || die "base tarball missing: run scripts/deps.sh first"
if [ ! -d "$SRC/.git" ]; then
	make_base
fi
[ -d "$SRC/.git/rebase-apply" ] &&
	die "$SRC is in the middle of git am: resolve it or 'git -C $SRC am --abort'"

# Reset to the base only when the applied series differs from series/,
# and never over work: uncommitted changes stop the run; commits made on
# top of the applied series are kept on a branch first.
want=$(find "$TOP/series" -name '0*.patch' | sort | xargs -r cat | sha256sum | cut -d' ' -f1)
have=$(cat "$SRC/.git/series.sha256" 2>/dev/null || true)
dirty=$("${GIT[@]}" status --porcelain --untracked-files=no)
if [ "$want" = "$have" ]; then
	log "series already applied ($("${GIT[@]}" rev-list --count "$BASE_TAG"..HEAD) commits on $BASE_TAG)"
	[ -z "$dirty" ] || log "building $SRC with its uncommitted changes: $(echo $dirty | tr '\n' ' ')"
	exit 0
fi
[ -z "$dirty" ] || die "series/ changed, but $SRC has uncommitted changes:
$dirty
Keep them: commit them there and run scripts/export.sh (they become part of
series/), or 'git -C $SRC stash'. Drop them: 'git -C $SRC checkout -- .'.
Then run make again."
applied=$(cat "$SRC/.git/series.head" 2>/dev/null || true)
head=$("${GIT[@]}" rev-parse HEAD)
if [ "$head" != "$applied" ] && [ -n "$("${GIT[@]}" rev-list "$BASE_TAG..HEAD" ${applied:+"^$applied"})" ]; then
	keep=saved/$(date +%Y%m%d-%H%M%S)
	"${GIT[@]}" branch "$keep" HEAD
	log "$SRC had commits that series/ does not: kept on branch $keep"
fi
"${GIT[@]}" checkout -q -B series "$BASE_TAG"
rm -f "$SRC/.git/series.sha256" "$SRC/.git/series.head"
n=0
for p in "$TOP"/series/0*.patch; do
	[ -e "$p" ] || continue
	case $(basename "$p") in 0000-*) continue ;; esac
	if ! "${GIT[@]}" am -q --keep-cr "$p" >/dev/null 2>"$WORK/am.err"; then
		cat "$WORK/am.err" >&2
		die "patch does not apply: $(basename "$p") (tree left in git-am state in $SRC)"
	fi
	n=$((n + 1))
done
echo "$want" > "$SRC/.git/series.sha256"
"${GIT[@]}" rev-parse HEAD > "$SRC/.git/series.head"
log "applied $n patches on $BASE_TAG"
