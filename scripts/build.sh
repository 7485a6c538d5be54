#!/bin/bash
# Configure and build a kernel of one architecture (KARCH: x86_64, the
# default, or arm64, cross-compiled).
#
# The x86_64 test kernel of the prepared tree builds as README.md tells
# users to: kunit.py with the arguments of the README's command for the
# first x86_64 target (lib.sh readme_cmd), plus the harness's fragments
# (EXTRA_CONFIG, the /init of INIT_SCRIPT) as more --kunitconfig files,
# ccache and the build stamp as --make_options; BUILD/kunit.args keeps
# those additions for run.sh. Every other kernel (arm64, the module
# kernel, make bench's kernels of other trees) is tinyconfig plus the
# slim fragment (config/slim.config, config/slim-arm64.config), the
# kconfig of the kunit.py qemu_config of every target of that
# architecture and the .kunitconfig of the DMA and Xen suites, merged
# with merge_config.sh.
set -euo pipefail
user_build=${BUILD:-}
. "$(dirname "$0")/lib.sh"

export ARCH=${KARCH:-x86_64}
# BUILD: the architecture's build directory unless given
BUILD=${user_build:-$(arch_build "$ARCH")}
# REBUILD=1 (make build): the kernel in BUILD as it was last configured.
if [ -n "${REBUILD:-}" ] && [ -f "$BUILD/build.env" ]; then
	. "$BUILD/build.env"
	log "rebuilding $BUILD as last configured (EXTRA_CONFIG='${EXTRA_CONFIG:-}' INIT_SCRIPT='${INIT_SCRIPT:-}')"
fi
case $ARCH in
x86_64)
	CC="ccache gcc"
	SLIM=config/slim.config
	# what the mission cannot do without
	MUST=(SWIOTLB_XEN XEN_PV KUNIT INTEL_IOMMU)
	VIA_KUNIT=1
	;;
arm64)
	export CROSS_COMPILE=aarch64-linux-gnu-
	CC="ccache ${CROSS_COMPILE}gcc"
	SLIM=config/slim-arm64.config
	MUST=(SWIOTLB_XEN XEN KUNIT ARM_SMMU_V3)
	VIA_KUNIT=
	;;
*) die "unknown KARCH $ARCH (x86_64 or arm64)" ;;
esac
# The kunit.py qemu_configs this architecture's targets boot (config/targets).
mapfile -t QEMU_CONFIGS < <(targets_where arch "$ARCH" qemu_config | sort -u)
# Directories whose .kunitconfig lists the suites the kernel must carry.
KUNITCONFIGS=${KUNITCONFIGS-kernel/dma drivers/xen}
FRAG=$BUILD/fragments
IMAGE=$(basename "$(arch_image "$ARCH")")
MAKE=(make -C "$SRC" O="$BUILD" -j"$(nproc)" CC="$CC" HOSTCC="ccache gcc" "${KBUILD_STAMP[@]}")

[ -f "$SRC/Makefile" ] || die "no prepared tree at $SRC: run scripts/prepare.sh"
mkdir -p "$FRAG"

# Each qemu_config carries the kconfig its target needs: reuse it as a
# fragment (the prepared tree's, even when SRC is the base tree of make bench).
for t in "${QEMU_CONFIGS[@]}"; do
	qemu_config_attr "$t" kconfig > "$FRAG/$t.config"
done
requested=("$TOP/$SLIM")
for t in "${QEMU_CONFIGS[@]}"; do
	requested+=("$FRAG/$t.config")
done
for dir in $KUNITCONFIGS; do
	requested+=("$SRC/$dir/.kunitconfig")
done
# INIT_SCRIPT: an /init to build in, on busybox (the debug kernels' kmemleak
# check, the profiling kernels of make bench). Its "# reports:" line names
# the lines it prints that run.sh must find clean: BUILD/init-reports.
rm -f "$BUILD/init-reports"
harness_frags=()
if [ -n "${INIT_SCRIPT:-}" ]; then
	[ -x "$PKGS/busybox" ] || die "no $PKGS/busybox: run scripts/deps.sh"
	cat > "$FRAG/initramfs.list" <<-EOF
		dir /bin 0755 0 0
		dir /dev 0755 0 0
		nod /dev/console 0600 0 0 c 5 1
		dir /proc 0755 0 0
		dir /sys 0755 0 0
		file /bin/busybox $PKGS/busybox 0755 0 0
		file /init $TOP/$INIT_SCRIPT 0755 0 0
	EOF
	# INIT_FILES: more gen_init_cpio lines (make bench: perf and its libraries)
	[ -z "${INIT_FILES:-}" ] || cat "$INIT_FILES" >> "$FRAG/initramfs.list"
	cat > "$FRAG/initramfs.config" <<-EOF
		CONFIG_BLK_DEV_INITRD=y
		CONFIG_INITRAMFS_SOURCE="$FRAG/initramfs.list"
		CONFIG_BINFMT_ELF=y
		CONFIG_BINFMT_SCRIPT=y
		CONFIG_PROC_FS=y
	EOF
	requested+=("$FRAG/initramfs.config")
	harness_frags+=("$FRAG/initramfs.config")
	sed -n 's/^# reports: //p' "$TOP/$INIT_SCRIPT" > "$BUILD/init-reports"
fi
# EXTRA_CONFIG: more fragments, such as config/debug.config
for frag in ${EXTRA_CONFIG:-}; do
	requested+=("$TOP/$frag")
	harness_frags+=("$TOP/$frag")
done

printf 'EXTRA_CONFIG=%q\nINIT_SCRIPT=%q\nINIT_FILES=%q\n' "${EXTRA_CONFIG:-}" \
	"${INIT_SCRIPT:-}" "${INIT_FILES:-}" > "$BUILD/build.env"

# must_have: the options the mission cannot do without are there (as
# modules in the module kernel).
must_have() {
	local sym bad=0
	for sym in "${MUST[@]}"; do
		case $(config_value "$BUILD" "$sym") in y|m) ;; *) echo "config: CONFIG_$sym is needed, got n" >&2; bad=1 ;; esac
	done
	return $bad
}

# build_progress PID LOG: wait for a build, a progress line every 30 s.
build_progress() {
	local pid=$1 t0
	t0=$(date +%s)
	while kill -0 "$pid" 2>/dev/null; do
		sleep 30
		kill -0 "$pid" 2>/dev/null || break
		log "  still building: $(find "$BUILD" -name '*.o' -newer "$BUILD/.config" | wc -l) objects compiled, $(( $(date +%s) - t0 ))s"
	done
	wait "$pid"
}

ccache_line() {
	log "$IMAGE: $(stat -c %s "$BUILD/$(arch_image "$ARCH")") bytes; ccache $(ccache -s | grep -E '^ *(Hits|Misses):' | tr -s ' ' | paste -sd' ')"
}

modular=
grep -qsx 'CONFIG_MODULES=y' "${requested[@]}" && modular=1
if [ -n "$VIA_KUNIT" ] && [ -z "$modular" ] && [ "$SRC" = "$WORK/linux" ]; then
	first=$(targets_where arch "$ARCH" qemu_config | head -n 1)
	readme_cmd "$first"
	# The harness's additions to the README's arguments: run.sh passes the
	# same ones, so that kunit.py neither reconfigures nor recompiles.
	add=(--build_dir "$BUILD" --make_options "CC=$CC" --make_options "HOSTCC=ccache gcc")
	for v in "${KBUILD_STAMP[@]}"; do add+=(--make_options "$v"); done
	for frag in "${harness_frags[@]}"; do add+=(--kunitconfig "$frag"); done
	printf '%s\n' "${add[@]}" > "$BUILD/kunit.args"
	rm -f "$BUILD/.kunitconfig"	# always configure afresh
	log "kunit.py build ${README_ARGS[*]} (README.md's command for $first), plus: ${add[*]}"
	[ -z "${CONFIG_ONLY:-}" ] || { (cd "$SRC" && python3 tools/testing/kunit/kunit.py config "${README_ARGS[@]}" "${add[@]}"); must_have; exit 0; }
	log "building (ccache: $(ccache -k cache_dir); full log: $BUILD/build.log)"
	(cd "$SRC" && python3 tools/testing/kunit/kunit.py build "${README_ARGS[@]}" "${add[@]}") \
		> "$BUILD/build.log" 2>&1 &
	build_progress $! || { tail -30 "$BUILD/build.log" >&2; die "kunit.py build failed (full log: $BUILD/build.log)"; }
	must_have || die "kernel config: the README's kunitconfigs lack what the targets need"
	log "config: $(grep -c '=y' "$BUILD/.config") options set"
	ccache_line
	exit 0
fi
log "merging ${#requested[@]} fragments onto tinyconfig"
merge_tiny "$BUILD" "${requested[@]}" > "$BUILD/merge_config.log" 2>&1 ||
	{ tail -20 "$BUILD/merge_config.log"; die "merge_config.sh failed"; }
"${MAKE[@]}" -s olddefconfig

# Every requested option must have stuck, and the ones the mission needs
# are there (as modules in the module kernel).
bad=0
check_config "$BUILD" "${requested[@]}" >&2 || bad=1
must_have || bad=1
((bad == 0)) || die "kernel config: requested options did not stick (see above)"
log "config ok: $(grep -c '=y' "$BUILD/.config") options set, all requested ones present"
[ -z "${CONFIG_ONLY:-}" ] || exit 0

# A module kernel (config/modules.config) builds its modules too, then puts
# them in its initramfs for config/modules-init, which loads them in
# dependency order (lib/modules/order) and runs the suites as they load.
# The modules need only vmlinux.o (modpost reads its symbols): the image
# links once, after they are in its initramfs. The goal is vmlinux_o, the
# top Makefile's phony target: "vmlinux.o" would be a single-object build
# that leaves a stale vmlinux.o for modpost.
targets=("$IMAGE")
[ -z "$modular" ] || targets=(vmlinux_o modules)

# build TARGET...: run make in the background, with a progress line.
build() {
	log "building $ARCH $* (ccache: $(ccache -k cache_dir); full log: $BUILD/build.log)"
	"${MAKE[@]}" "$@" >> "$BUILD/build.log" 2>&1 &
	build_progress $! || {
		grep -E 'error|Error' "$BUILD/build.log" | head -20 >&2
		tail -20 "$BUILD/build.log" >&2
		die "kernel build failed (full log: $BUILD/build.log)"
	}
}

# module_files: gen_init_cpio lines for every module and the two lists
# config/modules-init reads, dependencies first.
module_files() {
	local ko name d progress
	local -A dep=() path=()
	local order=() suites=()
	while read -r ko; do
		ko=${ko%.o}.ko
		name=$(basename "$ko" .ko)
		path[$name]=$ko
		dep[$name]=$("${CROSS_COMPILE:-}objcopy" -O binary -j .modinfo "$BUILD/$ko" /dev/stdout |
			tr '\0' '\n' | sed -n 's/^depends=//p' | tr , ' ')
		if "${CROSS_COMPILE:-}objdump" -h "$BUILD/$ko" | grep -q '\.kunit_test_suites'; then
			suites+=("$name.ko")
		fi
	done < "$BUILD/modules.order"
	while ((${#order[@]} < ${#path[@]})); do
		progress=0
		for name in $(printf '%s\n' "${!path[@]}" | sort); do
			[[ " ${order[*]} " == *" $name.ko "* ]] && continue
			for d in ${dep[$name]}; do
				[[ " ${order[*]} " == *" $d.ko "* ]] || continue 2
			done
			order+=("$name.ko")
			progress=1
		done
		((progress)) || die "modules: unresolved dependencies among ${!path[*]}"
	done
	printf '%s\n' "${order[@]}" > "$FRAG/modules.order"
	printf '%s\n' "${suites[@]}" > "$FRAG/modules.suites"
	echo "dir /lib 0755 0 0"
	echo "dir /lib/modules 0755 0 0"
	echo "file /lib/modules/order $FRAG/modules.order 0644 0 0"
	echo "file /lib/modules/suites $FRAG/modules.suites 0644 0 0"
	echo "file /kmemleak-init $TOP/config/kmemleak-init 0755 0 0"
	for name in "${!path[@]}"; do
		echo "file /lib/modules/$name.ko $BUILD/${path[$name]} 0644 0 0"
	done
	log "modules: ${order[*]} (suites: ${suites[*]})" >&2
}

: > "$BUILD/build.log"
build "${targets[@]}"
if [ -n "$modular" ]; then
	[ -f "$FRAG/initramfs.list" ] || die "a module kernel needs INIT_SCRIPT (config/modules-init)"
	module_files >> "$FRAG/initramfs.list"
	build "$IMAGE"
fi
ccache_line
