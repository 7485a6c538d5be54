#!/bin/bash
# Install what is missing from Debian's archive and fetch the pinned base
# and Xen packages into work/pkgs. Safe to run again: does nothing when
# everything is already there.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# package:why
NEEDED=(
	"build-essential:compiler and make for the kernel"
	"bc:kernel build (timeconst)"
	"bison:kernel build (kconfig parser)"
	"flex:kernel build (kconfig lexer)"
	"libelf-dev:kernel build (objtool)"
	"libssl-dev:kernel build (certificate tools)"
	"ccache:compiler cache for incremental and repeated builds"
	"python3:kunit.py runs and parses the tests"
	"perl:scripts/checkpatch.pl and kernel-doc"
	"python3-ply:checkpatch's SPDX license check (scripts/spdxcheck.py)"
	"python3-git:checkpatch's SPDX license check (scripts/spdxcheck.py)"
	"git:the prepared tree is a git repo; the series is applied with git am"
	"xz-utils:unpacks the base tarball"
	"qemu-system-x86:boots the test kernel (TCG) for both x86_64 targets"
	"qemu-system-data:firmware (qboot/SeaBIOS) for qemu-system-x86"
	"sparse:make lint checks every patch with C=2"
	"python3-sphinx:make lint builds the touched documentation (htmldocs)"
	"gnuplot-nox:make bench draws its plot"
	"linux-perf:make bench profiles the benchmark with perf inside the guest"
	"gcc-aarch64-linux-gnu:cross-compiles the arm64 kernel"
	"gcc-arm-linux-gnueabihf:cross-compiles the arm32 entry of the build matrix (scripts/matrix.sh)"
	"qemu-system-arm:boots the arm64 kernel (TCG) for the arm64 targets"
)

missing=()
for entry in "${NEEDED[@]}"; do
	pkg=${entry%%:*}
	if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed'; then
		missing+=("$entry")
	fi
done

updated=
apt_update() {
	[ -n "$updated" ] && return 0
	log "apt-get update"
	apt-get update -q >/dev/null || die "apt-get update failed"
	updated=1
}

if ((${#missing[@]})); then
	[ "$(id -u)" = 0 ] || die "missing packages and not root: ${missing[*]%%:*}"
	apt_update
	for entry in "${missing[@]}"; do
		log "installing ${entry%%:*} (${entry#*:})"
	done
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		"${missing[@]%%:*}" >/dev/null || die "apt-get install failed"
else
	log "all build and test packages already installed"
fi

# fetch PKG VERSION: download one .deb (not installed) into $PKGS.
fetch() {
	local pkg=$1 version=$2 deb name=${1%%:*}
	mkdir -p "$PKGS"
	deb=$(find "$PKGS" -maxdepth 1 -name "${name}_*.deb" | head -n1)
	if [ -n "$deb" ]; then
		printf '%s\n' "$deb"
		return 0
	fi
	log "downloading $pkg${version:+=$version}" >&2
	(cd "$PKGS" && apt-get download -q -o APT::Sandbox::User=root "$pkg${version:+=$version}" >&2) ||
		die "Debian's archive did not serve $pkg${version:+ version $version}; refusing to use another version"
	find "$PKGS" -maxdepth 1 -name "${name}_*.deb" | head -n1
}

# Xen for arm64 is an arm64 package: apt must know the architecture.
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	log "adding the arm64 dpkg architecture (for $XEN_ARM64_PKG)"
	dpkg --add-architecture arm64
	updated=
fi

if ! ls "$PKGS"/"${BASE_PKG}"_*.deb "$PKGS"/"${XEN_PKG}"_*.deb \
	"$PKGS"/"${XEN_ARM64_PKG}"_*.deb "$PKGS"/"${BUSYBOX_PKG}"_*.deb >/dev/null 2>&1; then
	apt_update
fi
base_deb=$(fetch "$BASE_PKG" "$BASE_VERSION")
got=$(dpkg-deb -f "$base_deb" Version)
[ "$got" = "$BASE_VERSION" ] || die "$base_deb is version $got, pinned is $BASE_VERSION"
if [ ! -f "$PKGS/base.tar.xz" ]; then
	log "extracting $BASE_TARBALL from $(basename "$base_deb")"
	dpkg-deb --fsys-tarfile "$base_deb" | tar -xO "./$BASE_TARBALL" > "$PKGS/base.tar.xz.tmp"
	mv "$PKGS/base.tar.xz.tmp" "$PKGS/base.tar.xz"
fi
echo "$BASE_SHA256  $PKGS/base.tar.xz" | sha256sum -c --quiet - ||
	die "sha256 of $BASE_PKG $BASE_VERSION tarball differs from the pin ($BASE_SHA256)"
log "base: $BASE_PKG $BASE_VERSION, sha256 ok"

xen_deb=$(fetch "$XEN_PKG" "")
if [ ! -f "$PKGS/xen.elf" ]; then
	log "extracting $XEN_IMAGE from $(basename "$xen_deb")"
	dpkg-deb --fsys-tarfile "$xen_deb" | tar -xO "./$XEN_IMAGE" | gunzip > "$PKGS/xen.elf"
fi
log "xen: $XEN_PKG $(dpkg-deb -f "$xen_deb" Version) -> $PKGS/xen.elf"

busybox_deb=$(fetch "$BUSYBOX_PKG" "")
if [ ! -x "$PKGS/busybox" ]; then
	dpkg-deb --fsys-tarfile "$busybox_deb" | tar -xO ./bin/busybox > "$PKGS/busybox.tmp"
	chmod 755 "$PKGS/busybox.tmp"
	mv "$PKGS/busybox.tmp" "$PKGS/busybox"
fi
log "busybox: $BUSYBOX_PKG $(dpkg-deb -f "$busybox_deb" Version) -> $PKGS/busybox"

xen_arm_deb=$(fetch "$XEN_ARM64_PKG:arm64" "")
if [ ! -f "$PKGS/xen-arm64" ]; then
	log "extracting $XEN_ARM64_IMAGE from $(basename "$xen_arm_deb")"
	dpkg-deb --fsys-tarfile "$xen_arm_deb" | tar -xO "./$XEN_ARM64_IMAGE" > "$PKGS/xen-arm64.tmp"
	mv "$PKGS/xen-arm64.tmp" "$PKGS/xen-arm64"
fi
log "xen arm64: $XEN_ARM64_PKG $(dpkg-deb -f "$xen_arm_deb" Version) -> $PKGS/xen-arm64"
