# shellcheck shell=bash
# Common helpers for the harness scripts. Source, don't execute.

# Debian's own tools first (its python3 has the modules apt installs).
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${WORK:-$TOP/work}
SRC=${SRC:-$WORK/linux}
BUILD=${BUILD:-$WORK/build}
RESULTS=${RESULTS:-$WORK/results}
PKGS=$WORK/pkgs
export CCACHE_DIR=${CCACHE_DIR:-$WORK/ccache}
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

# targets_of ARCH [FIELD]: config/targets rows whose kunit.py qemu_config
# (column 2) is named after ARCH (x86_64-*, arm64-*); prints FIELD (1: the
# target name, the default; 2: the qemu_config).
targets_of() {
	awk -v a="$1-" -v f="${2:-1}" '!/^#/ && NF && index($2, a) == 1 { print $f }' \
		"$TOP/config/targets"
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
