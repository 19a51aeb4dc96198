#!/usr/bin/env bash
# Times a clean rebuild of lua5.4 (make -j2) with plain gcc, objcache and
# ccache (direct mode) on this machine, in one run, and prints a markdown
# table of medians and ratios. It measures; it asserts nothing.
#
#   usage: bench/lua-rebuild.sh [REPS]     (default 5 repetitions)
#   needs: ../shared/corpus/fetch-debian-src, make, gcc, ccache
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
shared=../shared
[ -d "$shared" ] || shared=$(cd .. && pwd)/shared
"$shared/corpus/fetch-debian-src" "$work/corpus" lua5.4 >/dev/null
go build -o "$work/objcache" ./cmd/objcache
cp -a "$work/corpus/lua5.4" "$work/lua"
touch -d '1 hour ago' "$work"/lua/src/*

export OBJCACHE_DIR=$work/objcache-cache CCACHE_DIR=$work/ccache-cache
export CCACHE_NOHASHDIR=1 CCACHE_NODEPEND=1 CCACHE_DIRECT=1

# build CC: one clean build of lua's library and interpreters, in seconds.
build() {
	make -s -C "$work/lua/src" clean >/dev/null
	local t0 t1
	t0=$(date +%s.%N)
	make -s -j2 -C "$work/lua/src" linux CC="$1" >/dev/null 2>&1
	t1=$(date +%s.%N)
	awk "BEGIN { print $t1 - $t0 }"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

declare -A times
for kind in gcc objcache-cold objcache-warm ccache-cold ccache-warm; do times[$kind]=""; done
for ((i = 0; i < reps; i++)); do
	rm -rf "$OBJCACHE_DIR" "$CCACHE_DIR"
	times[gcc]+="$(build 'gcc -std=gnu99')"$'\n'
	times[objcache-cold]+="$(build "$work/objcache gcc -std=gnu99")"$'\n'
	times[objcache-warm]+="$(build "$work/objcache gcc -std=gnu99")"$'\n'
	times[ccache-cold]+="$(build 'ccache gcc -std=gnu99')"$'\n'
	times[ccache-warm]+="$(build 'ccache gcc -std=gnu99')"$'\n'
done

declare -A med
for kind in "${!times[@]}"; do med[$kind]=$(printf '%s' "${times[$kind]}" | median); done
echo "lua5.4 clean rebuild, make -j2, $reps repetitions, $(date -u +%Y-%m-%d), $(nproc) cores, $(gcc -dumpfullversion) / $(ccache --version | head -1)"
echo
echo "| build | median s | vs gcc | vs ccache (same state) |"
echo "| --- | --- | --- | --- |"
printf '| gcc | %.2f | 1.00 | |\n' "${med[gcc]}"
for state in cold warm; do
	o=${med[objcache-$state]} c=${med[ccache-$state]}
	printf '| objcache %s | %.2f | %.2f | %.2f |\n' "$state" "$o" "$(awk "BEGIN { print $o / ${med[gcc]} }")" "$(awk "BEGIN { print $o / $c }")"
	printf '| ccache %s (direct) | %.2f | %.2f | 1.00 |\n' "$state" "$c" "$(awk "BEGIN { print $c / ${med[gcc]} }")"
done
