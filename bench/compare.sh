#!/usr/bin/env bash
# Builds real projects from ../shared/corpus with plain gcc, objcache,
# ccache and sccache on this machine, in one run, and prints markdown tables:
# medians, spread and ratios of clean builds (cold and warm caches), and the
# latency of one hit. It measures; it asserts nothing.
#
#   usage: bench/compare.sh [-r REPS] [-R BIG_REPS] [PROJECT...]
#     PROJECT: lua zlib sqlite redis (default: lua zlib sqlite)
#     REPS repetitions for lua and zlib (default 5), BIG_REPS for sqlite and
#     redis (default 3). Builds use make -j2 or ninja -j2.
#   needs: ../shared/corpus/fetch-debian-src, gcc, make, cmake, ninja, tclsh
#   (sqlite's amalgamation), ccache, sccache, hyperfine
#
# Each repetition runs every tool in turn (gcc, objcache cold, objcache warm,
# ccache cold, ccache warm, …), so that plain gcc and each cold build form
# alternating pairs; "cold vs gcc (pairs)" is the median of their ratios.
# ccache runs in direct mode; its depend mode only where the build passes
# -MD (zlib under Ninja). Caches live in a fresh temporary directory.
set -euo pipefail
cd "$(dirname "$0")/.."
reps=5 big_reps=3
while getopts "r:R:" opt; do
	case $opt in
	r) reps=$OPTARG ;;
	R) big_reps=$OPTARG ;;
	*) echo "usage: $0 [-r REPS] [-R BIG_REPS] [PROJECT...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
projects=("$@")
[ ${#projects[@]} -gt 0 ] || projects=(lua zlib sqlite)
for tool in gcc make cmake ninja ccache sccache hyperfine; do
	command -v $tool >/dev/null || { echo "$tool not found: apt-get install -y $tool" >&2; exit 2; }
done

work=$(mktemp -d /tmp/objcache-bench.XXXXXX)
trap 'sccache --stop-server >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
shared=../shared
[ -d "$shared" ] || shared=$(cd .. && pwd)/shared
corpus=${OBJCACHE_CORPUS:-$work/corpus}
# static: no dynamic loader at start-up; the helper objcache-remote goes
# beside objcache, where objcache looks for it.
CGO_ENABLED=0 go build -o "$work/" ./cmd/objcache ./cmd/objcache-remote ./cmd/objcache-manage
oc=$work/objcache

export CCACHE_NOHASHDIR=1 CCACHE_DIRECT=1 CCACHE_NODEPEND=1
export SCCACHE_IDLE_TIMEOUT=0
# Fresh, empty caches for a cold build. sccache's server reads SCCACHE_DIR
# when it starts, so it is restarted, before its own cold builds only: a
# server starting up beside another tool's build would slow that build.
export OBJCACHE_DIR=$work/caches/objcache CCACHE_DIR=$work/caches/ccache SCCACHE_DIR=$work/caches/sccache
reset_caches() {
	rm -rf "$work/caches"
	mkdir -p "$work/caches"
	if [ "${1:-}" = sccache ]; then
		sccache --stop-server >/dev/null 2>&1 || true
		sccache --start-server >/dev/null 2>&1
		sleep 1
	fi
}
now() { date +%s.%N; }

# Each project has prep_P (once), and build_P TOOL (a clean build, timed by
# the caller) where TOOL is "", the launcher to put before gcc.
prep_lua() {
	"$shared/corpus/fetch-debian-src" "$corpus" lua5.4 >/dev/null
	cp -a "$corpus/lua5.4" "$work/lua"
}
build_lua() {
	make -s -C "$work/lua/src" clean >/dev/null
	make -s -j2 -C "$work/lua/src" linux CC="${1:+$1 }gcc -std=gnu99" >/dev/null 2>&1
}

# relink_P rebuilds with every object up to date but the libraries and
# programs removed: the floor under any warm build, which no cache can
# lower (the link and the build tool's own time).
relink_lua() {
	rm -f "$work/lua/src/lua" "$work/lua/src/luac" "$work/lua/src/liblua.a"
	make -s -j2 -C "$work/lua/src" linux CC="gcc -std=gnu99" >/dev/null 2>&1
}

prep_zlib() {
	"$shared/corpus/fetch-debian-src" "$corpus" zlib >/dev/null
	cp -a "$corpus/zlib" "$work/zlib"
	mkdir -p "$work/zlib/win32" && : >"$work/zlib/win32/zlib1.rc"
	local t
	for t in gcc "$oc" ccache sccache; do
		local launcher=$t
		[ "$t" = gcc ] && launcher=""
		cmake -S "$work/zlib" -B "$work/zlib-build-$(basename "$t")" -G Ninja -DCMAKE_BUILD_TYPE=Release \
			-DCMAKE_C_COMPILER=gcc ${launcher:+-DCMAKE_C_COMPILER_LAUNCHER=$launcher} >"$work/cmake.log" 2>&1 ||
			{ cat "$work/cmake.log" >&2; exit 1; }
	done
}
build_zlib() {
	local dir=$work/zlib-build-$(basename "${1:-gcc}")
	ninja -C "$dir" -t clean >/dev/null
	ninja -C "$dir" -j2 >/dev/null
}
relink_zlib() {
	local dir=$work/zlib-build-gcc
	find "$dir" -maxdepth 1 -type f \( -name 'libz*' -o -perm -u+x \) -delete
	ninja -C "$dir" -j2 >/dev/null
}

prep_sqlite() {
	"$shared/corpus/fetch-debian-src" "$corpus" sqlite3 >/dev/null
	cp -a "$corpus/sqlite3" "$work/sqlite-src"
	(cd "$work/sqlite-src" && ./configure >/dev/null 2>&1 && make sqlite3.c shell.c >/dev/null 2>&1)
	mkdir -p "$work/sqlite"
	cp "$work/sqlite-src/sqlite3.c" "$work/sqlite-src/sqlite3.h" "$work/sqlite-src/shell.c" "$work/sqlite"
	printf '%s\n' 'OBJS = sqlite3.o shell.o' 'all: $(OBJS)' '%.o: %.c' \
		'	$(CC) -O2 -DSQLITE_THREADSAFE=0 -c $< -o $@' 'clean:' '	rm -f $(OBJS)' >"$work/sqlite/Makefile"
}
build_sqlite() {
	make -s -C "$work/sqlite" clean >/dev/null
	make -s -j2 -C "$work/sqlite" CC="${1:+$1 }gcc" >/dev/null
}

prep_redis() {
	"$shared/corpus/fetch-debian-src" "$corpus" redis >/dev/null
	cp -a "$corpus/redis" "$work/redis"
}
build_redis() {
	make -s -C "$work/redis" distclean >/dev/null 2>&1 || true
	make -s -j2 -C "$work/redis" MALLOC=libc BUILD_TLS=no USE_SYSTEMD=no CC="${1:+$1 }gcc" >/dev/null 2>&1
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
minmax() { sort -n | awk 'NR==1{lo=$1} {hi=$1} END {printf "%.2f–%.2f", lo, hi}'; }
ratio() { awk "BEGIN { printf \"%.2f\", $1 / $2 }"; }

echo "objcache benchmarks, $(date -u +%Y-%m-%d), $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), gcc $(gcc -dumpfullversion), $(ccache --version | head -1), $(sccache --version)"
for p in "${projects[@]}"; do
	"prep_$p"
	n=$reps
	case $p in sqlite | redis) n=$big_reps ;; esac
	kinds=(gcc)
	declare -F "relink_$p" >/dev/null && kinds+=(link-only)
	kinds+=(objcache-cold objcache-warm ccache-cold ccache-warm sccache-cold sccache-warm)
	[ "$p" = zlib ] && kinds+=(ccache-depend-cold ccache-depend-warm)
	declare -A times=()
	for k in "${kinds[@]}"; do times[$k]=""; done
	for ((i = 0; i < n; i++)); do
		for k in "${kinds[@]}"; do
			if [ "$k" = link-only ]; then
				t0=$(now)
				"relink_$p"
				t1=$(now)
				times[$k]+="$(awk "BEGIN { print $t1 - $t0 }") "
				continue
			fi
			case $k in *-cold | gcc) reset_caches "${k%%-*}" ;; esac
			tool=${k%-*}
			[ "$k" = gcc ] && tool=""
			export CCACHE_NODEPEND=1
			case $tool in
			objcache) tool=$oc ;;
			ccache-depend) tool=ccache; unset CCACHE_NODEPEND; export CCACHE_DEPEND=1 ;;
			esac
			t0=$(now)
			"build_$p" "$tool"
			t1=$(now)
			unset CCACHE_DEPEND
			times[$k]+="$(awk "BEGIN { print $t1 - $t0 }") "
		done
	done
	declare -A med=()
	for k in "${kinds[@]}"; do med[$k]=$(echo "${times[$k]}" | tr ' ' '\n' | grep . | median); done
	echo
	echo "### $p: clean build, -j2, $n repetitions"
	echo
	echo "| build | median s | spread s | vs gcc | vs ccache direct (same state) |"
	echo "| --- | --- | --- | --- | --- |"
	for k in "${kinds[@]}"; do
		spread=$(echo "${times[$k]}" | tr ' ' '\n' | grep . | minmax)
		vs_cc=""
		case $k in *-cold | *-warm) vs_cc=$(ratio "${med[$k]}" "${med[ccache-${k##*-}]}") ;; esac
		printf '| %s | %.2f | %s | %s | %s |\n' "$k" "${med[$k]}" "$spread" "$(ratio "${med[$k]}" "${med[gcc]}")" "$vs_cc"
	done
	# The cold build against plain gcc, pair by pair.
	read -ra g <<<"${times[gcc]}"
	read -ra o <<<"${times[objcache-cold]}"
	pairs=""
	for ((i = 0; i < n; i++)); do pairs+="$(ratio "${o[$i]}" "${g[$i]}") "; done
	echo
	echo "objcache cold vs gcc, median of $n alternating pairs: $(echo "$pairs" | tr ' ' '\n' | grep . | median) (pairs: $pairs)"
	if [ -n "${med[link-only]:-}" ]; then
		oc_hits=$(awk "BEGIN { print ${med[objcache-warm]} - ${med[link-only]} }")
		cc_hits=$(awk "BEGIN { print ${med[ccache-warm]} - ${med[link-only]} }")
		echo
		printf 'warm build above the link-only floor (%.3f s): objcache %.3f s, ccache %.3f s, ratio %s\n' \
			"${med[link-only]}" "$oc_hits" "$cc_hits" "$(ratio "$oc_hits" "$cc_hits")"
	fi
	unset times med
done

# The latency of one hit: a tiny translation unit and sqlite3.c.
echo
echo "### latency of one hit (hyperfine, warm caches)"
echo
echo "| source | objcache ms | ccache ms | sccache ms | objcache vs ccache |"
echo "| --- | --- | --- | --- | --- |"
mkdir -p "$work/hit"
printf '#include <stdio.h>\nint main(void) { return puts("tiny") < 0; }\n' >"$work/hit/tiny.c"
sources=(tiny.c)
[ -f "$work/sqlite/sqlite3.c" ] && cp "$work/sqlite/sqlite3.c" "$work/sqlite/sqlite3.h" "$work/hit/" && sources+=(sqlite3.c)
touch -d '1 hour ago' "$work/hit"/*
reset_caches sccache
for src in "${sources[@]}"; do
	declare -A ms=()
	for t in objcache ccache sccache; do
		cmd="$t gcc -O2 -c $src -o ${src%.c}-$t.o"
		[ $t = objcache ] && cmd="$oc gcc -O2 -c $src -o ${src%.c}-$t.o"
		(cd "$work/hit" && $cmd && $cmd) >/dev/null 2>&1
		runs=300 # a hit takes a few ms: many runs steady the median
		[ $t = sccache ] && runs=40
		(cd "$work/hit" && hyperfine -N -w 20 -r $runs --export-csv "$work/hit/$t.csv" "$cmd" >/dev/null 2>&1)
		ms[$t]=$(awk -F, 'NR==2 { printf "%.1f", $4 * 1000 }' "$work/hit/$t.csv")
	done
	printf '| %s | %s | %s | %s | %s |\n' "$src" "${ms[objcache]}" "${ms[ccache]}" "${ms[sccache]}" "$(ratio "${ms[objcache]}" "${ms[ccache]}")"
	unset ms
done
