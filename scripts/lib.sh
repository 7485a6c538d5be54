# shellcheck shell=bash
# Common helpers for the harness scripts. Source, don't execute.

# Debian's own tools first (its python3 has the modules apt installs).
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${WORK:-$TOP/work}
SRC=${SRC:-$WORK/linux}
BUILD=${BUILD:-$WORK/build}
RESULTS=${RESULTS:-$WORK/results}
# Downloads (the base tarball, Xen, busybox): PKGS to keep them elsewhere.
PKGS=${PKGS:-$WORK/pkgs}
# ccache: the user's cache (CCACHE_DIR, else ccache's own default), so that
# a second clone or make clean starts warm.
# shellcheck source=../config/pins.env
. "$TOP/config/pins.env"

log() { printf '==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# stage NAME CMD...: run a step, print its wall time, record it for the summary.
stage() {
	local name=$1 t0 rc=0
	shift
	t0=$(date +%s)
	log "[$name] start"
	"$@" || rc=$?
	local dt=$(( $(date +%s) - t0 ))
	mkdir -p "$RESULTS"
	printf '%s\t%s\t%s\n' "$name" "$dt" "$rc" >> "$RESULTS/stages.tsv"
	log "[$name] $( ((rc)) && echo FAILED || echo done ) in $((dt / 60))m$((dt % 60))s"
	return "$rc"
}

# target NAME: read NAME's row of config/targets into T_QEMU,
# T_ARCH, T_DEBUG, T_CHECK, T_BENCH and T_ARGS (empty for none); dies on
# an unknown name.
target() {
	local row
	row=$(awk -v n="$1" '!/^#/ && $1 == n' "$TOP/config/targets")
	[ -n "$row" ] || die "unknown target '$1': config/targets has $(targets_where | tr '\n' ' ')"
	read -r _ T_QEMU T_ARCH T_DEBUG T_CHECK T_BENCH T_ARGS <<< "$row"
	[ "$T_CHECK" != - ] || T_CHECK=
}

# targets_where [COLUMN VALUE] [FIELD]: the names (or FIELD: name, qemu_config,
# arch, debug, check, bench) of the targets whose COLUMN is VALUE; all without one.
targets_where() {
	awk -v c="${1:-}" -v v="${2:-}" -v f="${3:-name}" '
		BEGIN { split("name qemu_config arch debug check bench", h); for (i in h) col[h[i]] = i }
		!/^#/ && NF && (c == "" || $col[c] == v) { print $col[f] }' "$TOP/config/targets"
}

# Per architecture: the test kernel's build directory, image and Xen.
arch_build() {
	case $1 in
	x86_64) echo "$WORK/build" ;;
	arm64) echo "$WORK/build-arm64" ;;
	*) die "unknown architecture $1 (config/targets: x86_64 or arm64)" ;;
	esac
}
arch_image() { case $1 in x86_64) echo arch/x86/boot/bzImage ;; arm64) echo arch/arm64/boot/Image ;; esac; }
arch_xen() { case $1 in x86_64) echo "$PKGS/xen.elf" ;; arm64) echo "$PKGS/xen-arm64" ;; esac; }
# The x86_64 KASAN module kernel the debug targets boot.
DEBUG_BUILD=$WORK/build-debug

# kunit_exec TARGET BUILD TIMEOUT [kunit.py argument...]: boot the kernel
# in BUILD on TARGET with kunit.py: the target's qemu_config, its Xen
# (KUNIT_XEN_IMAGE), its kernel arguments. A kernel that kunit.py built
# (BUILD/kunit.args) boots through README.md's command for the target's
# qemu_config where the README has one, "kunit.py run" with the
# README's arguments and the build's additions, as a user runs it
# (kunit.py finds nothing to rebuild); otherwise "kunit.py exec". kunit.py
# enforces TIMEOUT (seconds); the outer timeout only guards it.
kunit_exec() {
	local build=$2 secs=$3 cmd=(exec) add=()
	target "$1"
	shift 3
	if [ -f "$build/kunit.args" ] && (readme_cmd "$T_QEMU") > /dev/null 2>&1; then
		readme_cmd "$T_QEMU"
		mapfile -t add < "$build/kunit.args"
		cmd=(run "${README_ARGS[@]}" "${add[@]}")
	else
		cmd+=(--build_dir "$build" --qemu_config "tools/testing/kunit/qemu_configs/$T_QEMU.py")
	fi
	(cd "$SRC" && KUNIT_XEN_IMAGE=$(arch_xen "$T_ARCH") timeout -k 10 $((secs + 60)) \
		python3 tools/testing/kunit/kunit.py "${cmd[@]}" --timeout "$secs" \
		${T_ARGS:+--kernel_args "$T_ARGS"} "$@")
}

# qemu_config_attr QEMU_CONFIG ATTR: ATTR of QEMU_ARCH in the prepared
# tree's kunit.py qemu_config QEMU_CONFIG (kconfig, kernel_command_line,
# ...), loaded as kunit.py loads it.
qemu_config_attr() {
	local tool=$WORK/linux/tools/testing/kunit
	[ -f "$tool/qemu_configs/$1.py" ] || die "no kunit.py qemu_config $1 ($tool/qemu_configs/$1.py)"
	python3 - "$tool" "$tool/qemu_configs/$1.py" "$2" <<-'PY'
		# A qemu_config imports ..qemu_config: load it as a module of a
		# package next to qemu_config, as kunit.py does.
		import importlib.util, os, sys
		sys.path.insert(0, sys.argv[1])
		name = '.qemu_configs/' + os.path.basename(sys.argv[2])
		spec = importlib.util.spec_from_file_location(name, sys.argv[2])
		config = importlib.util.module_from_spec(spec)
		spec.loader.exec_module(config)
		print(getattr(config.QEMU_ARCH, sys.argv[3]))
	PY
}

# readme_cmds: README.md's kunit.py commands, one line each.
readme_cmds() {
	awk '/^## / { inside = ($0 == "## Using the series on your own tree") }
		inside && /^    / { line = line substr($0, 5); if (sub(/\\$/, "", line)) next
			if (line ~ /kunit\.py run /) print line }
		{ line = "" }' "$TOP/README.md"
}

# readme_cmd QEMU_CONFIG: the words of README.md's kunit.py command for
# that qemu_config (in "Using the series on your own tree"), continuation
# lines joined, into README_ENV (its leading VAR=value words) and
# README_ARGS (what follows "kunit.py run"); dies unless there is exactly one.
readme_cmd() {
	local cmds words
	cmds=$(readme_cmds | awk -v q="/qemu_configs/$1.py" 'index($0 " ", q " ")')
	case $(grep -c . <<< "$cmds") in
	1) ;;
	0) die "README.md has no kunit.py run command with --qemu_config .../$1.py" ;;
	*) die "README.md has more than one kunit.py command for $1.py" ;;
	esac
	[[ $cmds != *[\'\"\$\`\;\|\&]* ]] || die "README.md's command for $1 is not plain words: $cmds"
	read -ra words <<< "$cmds"
	README_ENV=()
	while [[ ${words[0]} == [A-Z_]*=* ]]; do README_ENV+=("${words[0]}"); words=("${words[@]:1}"); done
	[ "${words[0]} ${words[1]}" = "tools/testing/kunit/kunit.py run" ] ||
		die "README.md's command for $1 does not start with tools/testing/kunit/kunit.py run: $cmds"
	README_ARGS=("${words[@]:2}")
}

# The same build stamp on every machine, for every kernel built here.
KBUILD_STAMP=(KBUILD_BUILD_TIMESTAMP=0 KBUILD_BUILD_USER=kunit KBUILD_BUILD_HOST=kunit)

# merge_tiny DIR FRAGMENT...: DIR/.config from $SRC's tinyconfig for $ARCH
# (with the architecture's tiny.config, where it has one) and the
# fragments, merged by the kernel's merge_config.sh.
merge_tiny() {
	local dir=$1 arch=$ARCH tiny=()
	shift
	case $arch in x86_64|i386) arch=x86 ;; esac
	[ -f "$SRC/arch/$arch/configs/tiny.config" ] && tiny=("arch/$arch/configs/tiny.config")
	(cd "$SRC" && scripts/kconfig/merge_config.sh -n -O "$dir" \
		kernel/configs/tiny-base.config kernel/configs/tiny.config "${tiny[@]}" "$@")
}

# config_value DIR SYM: y, m, n or the value of CONFIG_SYM in DIR/.config
config_value() {
	local v
	v=$(sed -n "s/^CONFIG_$2=//p" "$1/.config")
	echo "${v:-n}"
}

# check_config DIR FRAGMENT...: every option the fragments ask for has
# that value in DIR/.config (the last fragment that names it wins, as in
# merge_config.sh); prints each that does not and returns 1.
check_config() {
	local dir=$1 line sym got bad=0
	local -A want=()
	shift
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*) want[${line%%=*}]=${line#*=} ;;
		"# CONFIG_"*" is not set") line=${line#\# }; want[${line%% *}]=n ;;
		esac
	done < <(cat "$@")
	for sym in "${!want[@]}"; do
		got=$(config_value "$dir" "${sym#CONFIG_}")
		[ "$got" = "${want[$sym]}" ] && continue
		echo "config: $sym requested ${want[$sym]}, got $got"
		bad=1
	done
	return $bad
}
