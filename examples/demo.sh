#!/bin/sh
# Compile examples/hello.c twice through objcache, in a throw-away cache, and
# show that the second compile is a hit with a byte-identical object.
set -eu
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OBJCACHE_DIR="$work/cache"
go build -o "$work/" ./cmd/objcache ./cmd/objcache-manage   # stats is objcache-manage's
# Sources written this very second are not trusted to be stable: let the
# clock move on, as it has for any real checkout.
touch -d '1 minute ago' examples/hello.c examples/hello.h
sleep 1
"$work/objcache" gcc -c examples/hello.c -o "$work/first.o"
"$work/objcache" gcc -c examples/hello.c -o "$work/second.o"
gcc -c examples/hello.c -o "$work/plain.o"
cmp "$work/first.o" "$work/plain.o" && cmp "$work/second.o" "$work/plain.o" &&
	echo "objects are byte-identical to plain gcc's"
"$work/objcache" stats
