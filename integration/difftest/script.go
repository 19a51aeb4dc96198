package difftest

import (
	"fmt"
	"slices"
	"strings"
)

// Script renders a scenario as a self-contained bash script that runs it
// the way the runner does (twin trees bind-mounted at one path in private
// mount namespaces, objcache in one, the compiler alone in the other) and
// stops at the first difference, exiting 1. It needs root, bash,
// coreutils, util-linux (unshare, setsid), chattr and the compilers;
// OBJCACHE names the binary under test (default: objcache in PATH).
// failure, if not nil, is described in the script's header.
func Script(s *Scenario, failure *Failure) string {
	w := &scriptWriter{s: s, env: slices.Clone(s.Env)}
	w.header(failure)
	for _, a := range s.Setup {
		w.action(a)
	}
	for i, st := range s.Steps {
		w.step(i, st)
	}
	w.line(`echo "no difference in %d steps"`, len(s.Steps))
	w.line(`cleanup`)
	w.line(`exit 0`)
	return w.b.String()
}

type scriptWriter struct {
	s   *Scenario
	b   strings.Builder
	env []EnvVar
}

func (w *scriptWriter) line(format string, args ...any) {
	fmt.Fprintf(&w.b, format+"\n", args...)
}

// scriptPrelude defines the script's helpers. Trees: $A is objcache's,
// $B the compiler's, both seen at $M by the commands.
const scriptPrelude = `set -u
OBJCACHE=${OBJCACHE:-$(command -v objcache)}
[ -x "$OBJCACHE" ] || { echo "set OBJCACHE to the objcache binary" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "run as root (mount namespaces, mknod)" >&2; exit 2; }
root=$(mktemp -d /tmp/difftest.XXXXXX)
A=$root/a B=$root/b C=$root/c M=$root/m BIN=$root/bin
mkdir -p "$A" "$B" "$C" "$M" "$BIN/oc" "$BIN/masq" "$root/cache" "$root/home" "$root/tmp"
ln -s "$OBJCACHE" "$BIN/oc/objcache"
ln -s "$(command -v clang-14)" "$BIN/cl.exe"
for c in gcc gcc-12 g++ g++-12 clang-14 clang++-14 cl.exe clang-cl-14; do ln -s "$OBJCACHE" "$BIN/masq/$c"; done
base=$(( $(date +%s) - 3600 ))
NS='mount --bind "$1" "$2" && cd "$2/$3" && shift 3 && exec "$@"'
LOCKED=()
TREES=("$A" "$B")
cleanup() { for d in "${LOCKED[@]}"; do chattr -i "$A/$d" "$B/$d" "$C/$d" 2>/dev/null; done; rm -rf "$root"; }
fail() { echo "DIFFERENCE at step $1 (trees kept in $root; objcache's log: $root/objcache.log)"; exit 1; }
# Tree actions, in both trees.
put() { cat >"$root/put"; for t in "${TREES[@]}"; do mkdir -p "$(dirname "$t/$1")"; cp "$root/put" "$t/$1.tmp"; chmod "$2" "$t/$1.tmp"; touch -d "@$((base + $3))" "$t/$1.tmp"; mv -f "$t/$1.tmp" "$t/$1"; done; }
mk() { for t in "${TREES[@]}"; do mkdir -p "$t/$1"; done; }
rmf() { for t in "${TREES[@]}"; do rm -rf "$t/$1"; done; }
sym() { for t in "${TREES[@]}"; do mkdir -p "$(dirname "$t/$2")"; ln -s "$1" "$t/$2"; done; }
dev() { for t in "${TREES[@]}"; do mkdir -p "$(dirname "$t/$1")"; mknod -m 666 "$t/$1" c 1 3; done; }
fifo() { for t in "${TREES[@]}"; do mkdir -p "$(dirname "$t/$1")"; mkfifo -m 666 "$t/$1"; done; }
tch() { for t in "${TREES[@]}"; do touch -m -d "@$((base + $2))" "$t/$1"; done; }
chm() { for t in "${TREES[@]}"; do chmod "$1" "$t/$2"; done; }
hl() { for t in "${TREES[@]}"; do mkdir -p "$(dirname "$t/$2")"; ln "$t/$1" "$t/$2"; done; }
lock() { for t in "${TREES[@]}"; do chattr +i "$t/$1"; done; LOCKED+=("$1"); }
unlock() { for t in "${TREES[@]}"; do chattr -i "$t/$1"; done; }
# mark F: a file whose mtime is a moment ago; a file newer than it was written since.
mark() { local ns; ns=$(( $(date +%s%N) - 10000000 )); touch -d "@${ns:0:${#ns}-9}.${ns:${#ns}-9}" "$1"; }
# sum F: the content's md5 (the time stamp of a COFF object zeroed).
sum() {
	if [ "$COFF" = 1 ] && [ "$(head -c2 "$1" | od -An -tx1 | tr -d ' \n')" = 6486 ]; then
		{ head -c4 "$1"; printf '\0\0\0\0'; tail -c +9 "$1"; } | md5sum | cut -c1-32
	else md5sum <"$1" | cut -c1-32; fi
}
# snap TREE MARK [nohash]: path, type, mode, links, link target, md5, written after MARK.
snap() {
	(cd "$1" && find . -mindepth 1 -printf '%P\t%y\t%m\t%n\t%l\n' | LC_ALL=C sort | while IFS=$'\t' read -r p y m n l; do
		h=- f=-
		if [ "$y" = f ]; then [ -n "${3:-}" ] || h=$(sum "$p"); [ "$p" -nt "$2" ] && f=fresh; fi
		[ "$y" = d ] && n=-
		printf '%s %s %s %s %s %s %s\n' "$p" "$y" "$m" "$n" "${l:--}" "$h" "$f"
	done)
}
# run a|b DIR CMD...: run CMD in DIR of tree a or b (seen at $M), reading its FIFOs.
# A FIFO is held open read-write (which never blocks), so the command's open for writing succeeds.
run() {
	local w=$1 d=$2 t f pids=(); shift 2
	case $w in a) t=$A ;; b) t=$B ;; *) t=$C ;; esac
	rm -f "$root/$w".fifo.*
	while IFS= read -r -d '' f; do
		cat <>"$f" >"$root/$w.fifo.$(echo "${f#$t/}" | md5sum | cut -c1-8)" & pids+=($!)
	done < <(find "$t" -type p -print0)
	sleep 0.03; mark "$root/$w.mark"
	unshare -m --propagation private sh -c "$NS" sh "$t" "$M" "$d" "$@" >"$root/$w.out" 2>"$root/$w.err"; echo $? >"$root/$w.rc"
	if [ ${#pids[@]} != 0 ]; then sleep 0.2; kill "${pids[@]}" 2>/dev/null; wait "${pids[@]}" 2>/dev/null; fi
	true
}
# tmpnames F: F with the names of gcc's temporary files (random) replaced.
tmpnames() { sed -E "s#$root/tmp/cc[A-Za-z0-9]{6}\.([a-z]+)#\$TMPDIR/ccXXXXXX.\1#g" "$1"; }
# same X [nohash]: whether the run in tree a showed what the run in tree X (b or c) showed.
same() {
	local x=$1 t f; [ "$x" = b ] && t=$B || t=$C
	cmp -s "$root/a.rc" "$root/$x.rc" && cmp -s <(tmpnames "$root/a.out") <(tmpnames "$root/$x.out") && cmp -s <(tmpnames "$root/a.err") <(tmpnames "$root/$x.err") || return 1
	cmp -s <(snap "$A" "$root/a.mark" ${2:-}) <(snap "$t" "$root/$x.mark" ${2:-}) || return 1
	for f in "$root"/a.fifo.* "$root/$x".fifo.*; do
		[ -e "$f" ] || continue
		if [ -n "${2:-}" ]; then [ "$(test -s "$root/a.fifo.${f##*.}" && echo y)" = "$(test -s "$root/$x.fifo.${f##*.}" && echo y)" ] || return 1; continue; fi
		cmp -s "$root/a.fifo.${f##*.}" "$root/$x.fifo.${f##*.}" 2>/dev/null || return 1
	done
}
# compare STEP X [nohash]: say how the run in tree a differs from the run in tree X.
compare() {
	local x=$2 t; [ "$x" = b ] && t=$B || t=$C
	same "$x" ${3:-} && return 0
	cmp -s "$root/a.rc" "$root/$x.rc" || echo "step $1: exit status $(cat "$root/a.rc") through objcache, $(cat "$root/$x.rc") from the compiler"
	cmp -s <(tmpnames "$root/a.out") <(tmpnames "$root/$x.out") || { echo "step $1: stdout differs (< compiler, > objcache):"; diff <(tmpnames "$root/$x.out") <(tmpnames "$root/a.out") | head -n 20; }
	cmp -s <(tmpnames "$root/a.err") <(tmpnames "$root/$x.err") || { echo "step $1: stderr differs (< compiler, > objcache):"; diff <(tmpnames "$root/$x.err") <(tmpnames "$root/a.err") | head -n 20; }
	diff <(snap "$t" "$root/$x.mark" ${3:-}) <(snap "$A" "$root/a.mark" ${3:-}) >"$root/tree.diff" || { echo "step $1: trees differ (< compiler, > objcache; path type mode links target md5 fresh):"; head -n 20 "$root/tree.diff"; }
	echo "step $1: (FIFO contents compared too: $root/*.fifo.*)"
	return 1
}
# syncref FROM TO: make one reference tree a copy of the other (the one objcache matched).
syncref() { for d in "${LOCKED[@]}"; do chattr -i "$1/$d" "$2/$d"; done; rm -rf "$2"; cp -a "$1" "$2"; for d in "${LOCKED[@]}"; do chattr +i "$1/$d" "$2/$d"; done; }
# reruns: objcache's count of failed compiles it ran again as written (0 if it has none).
reruns() { OBJCACHE_DIR="$root/cache" "$OBJCACHE" stats --json 2>/dev/null | sed -n 's/.*"failed_compile_rerun": *\([0-9]*\).*/\1/p' | grep . || echo 0; }
# twice STEP BEFORE: fail when objcache ran a compile twice (its own failed) that the compiler alone passed.
twice() { [ "$(cat "$root/b.rc")" != 0 ] || [ "$(reruns)" = "$2" ] || { echo "step $1: the compiler alone succeeded, but objcache's own compile failed and it ran the command again"; return 1; }; }
# at TREE DIR CMD...: run CMD in DIR of TREE, seen at $M.
at() { local t=$1 d=$2; shift 2; unshare -m --propagation private sh -c "$NS" sh "$t" "$M" "$d" "$@"; }
# align: wait for the start of a new second (time macros: both runs in one second).
align() { local now; now=$(date +%s); while [ "$(date +%s)" = "$now" ]; do sleep 0.01; done; }
# killrun SIG MS DIR CMD...: run CMD in tree a, send SIG after MS ms, wait for every process it started.
killrun() {
	local sig=$1 ms=$2 d=$3 pid; shift 3
	(cd "$A" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort) >"$root/before.list"
	KILLSIG=$sig LOGSTART=$(stat -c %s "$root/objcache.log" 2>/dev/null || echo 0)
	( exec setsid unshare -m --propagation private sh -c "$NS" sh "$A" "$M" "$d" "$@" ) >/dev/null 2>&1 &
	pid=$!
	sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
	if [ "$sig" = INT ]; then kill -INT -- "-$pid" 2>/dev/null; else kill "-$sig" "$pid" 2>/dev/null; fi
	wait "$pid" 2>/dev/null
	while grep -qsaF "DIFFTEST_TWIN=$A" /proc/[0-9]*/environ; do sleep 0.01; done
}
# strays STEP: files the killed run left that the compiler alone did not write
# (clang's own temporaries are allowed: clang alone, interrupted, may leave them too;
# after SIGKILL, objcache clean runs first and may remove objcache's temporaries beside
# outputs; when objcache was running the compiler as given, only objcache's names count).
strays() {
	local p bad=0 given=0
	[ "$KILLSIG" != KILL ] || at "$A" . env OBJCACHE_DIR="$root/cache" "$OBJCACHE" clean >/dev/null
	tail -c +$((LOGSTART + 1)) "$root/objcache.log" 2>/dev/null | grep -qF ' as given' && given=1
	while IFS= read -r p; do
		[ "$given" = 0 ] || [[ "${p##*/}" == *.objcache-* ]] || continue
		[ -e "$B/$p" ] || [ -L "$B/$p" ] || { echo "step $1: $p left by the killed objcache; the compiler alone writes no such file"; bad=1; }
	done < <(comm -13 "$root/before.list" <(cd "$A" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort) | grep -Ev -- '-[0-9a-f]{8}(\.[^./]+)?\.tmp$')
	return $bad
}
# depsync: with base dirs, objcache compiles as tree b's compiler does (relative paths) but writes
# depfiles as tree c's (the user's own arguments): c's depfiles go into b before the comparison.
depsync() {
	local f
	while IFS= read -r f; do
		cmp -s "$B/$f" "$C/$f" && continue
		isdep "$B/$f" && isdep "$C/$f" && cp -p "$C/$f" "$B/$f"
	done < <(cd "$C" && find . -type f -printf '%P\n')
	for f in "$root"/c.fifo.*; do
		[ -e "$f" ] || continue
		isdep "$root/b.fifo.${f##*.}" && isdep "$f" && cp "$f" "$root/b.fifo.${f##*.}"
	done
}
isdep() { [ -f "$1" ] && ! grep -qaP '\x00' "$1" && head -n1 "$1" | grep -qE '(: |:$|: \\$)'; }
# resync: make tree a what tree b is.
resync() { syncref "$B" "$A"; [ ${#TREES[@]} = 2 ] || syncref "$B" "$C"; }
`

func (w *scriptWriter) header(f *Failure) {
	s := w.s
	w.line("#!/usr/bin/env bash")
	w.line("# objcache difftest scenario %s (%s, %s)", s.ID(), s.Family, s.Launch)
	w.line("# features: %s", strings.Join(s.Tags, " "))
	w.line("# Alone: OBJCACHE_DIFFTEST_SEED=%d OBJCACHE_DIFFTEST_ONLY=%d go test ./integration/difftest (with the same OBJCACHE_DIFFTEST_SKIP and _FOCUS)", s.Seed, s.Index)
	if f != nil {
		w.line("# First difference, at step %d: %s", f.Step+1, f.Kind)
		for _, l := range strings.Split(f.Detail, "\n") {
			w.line("#   %s", l)
		}
	}
	w.line("# Run as root: OBJCACHE=/path/to/objcache bash THIS-FILE; it exits 1 at the first difference.")
	w.b.WriteString(scriptPrelude)
	coff := 0
	if s.COFF {
		coff = 1
	}
	w.line("COFF=%d", coff)
	if s.hasOriginal() {
		w.line(`TREES+=("$C")  # the second reference: the compiler given objcache's own arguments`)
	}
	w.line("DIR=%s", shq(s.Dir))
	w.line("")
	w.line("# The tree.")
}

// shq quotes a word for the shell, the placeholders becoming variables.
func shq(s string) string {
	if s == "" {
		return "''"
	}
	var b strings.Builder
	for s != "" {
		i := strings.Index(s, "{")
		var lit string
		if i < 0 {
			lit, s = s, ""
		} else {
			lit, s = s[:i], s[i:]
		}
		if lit != "" {
			b.WriteString("'" + strings.ReplaceAll(lit, "'", `'\''`) + "'")
		}
		switch {
		case s == "":
		case strings.HasPrefix(s, MountPH):
			b.WriteString(`"$M"`)
			s = s[len(MountPH):]
		case strings.HasPrefix(s, BinPH):
			b.WriteString(`"$BIN"`)
			s = s[len(BinPH):]
		default:
			b.WriteString("'{'")
			s = s[1:]
		}
	}
	return b.String()
}

func shqAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = shq(s)
	}
	return strings.Join(q, " ")
}

func (w *scriptWriter) action(a Action) {
	p := shq(a.Path)
	switch a.Op {
	case OpWrite:
		data := string(a.Data)
		filter := ""
		if a.Expand {
			filter += ` | sed "s|{M}|$M|g"`
		}
		if a.UTF16 {
			filter += ` | { printf '\377\376'; iconv -f UTF-8 -t UTF-16LE; }`
		}
		if strings.HasSuffix(data, "\n") && !strings.Contains(data, "DIFFTEST_EOF") && isPrintable(data) {
			w.line("cat <<'DIFFTEST_EOF'%s | put %s %o %d\n%sDIFFTEST_EOF", filter, p, a.Mode, a.Mtime, data)
		} else {
			w.line("printf %s%s | put %s %o %d", printfLiteral(a.Data), filter, p, a.Mode, a.Mtime)
		}
	case OpMkdir:
		w.line("mk %s", p)
	case OpRemove:
		w.line("rmf %s", p)
	case OpSymlink:
		w.line("sym %s %s", shq(a.Target), p)
	case OpDevice:
		w.line("dev %s", p)
	case OpFIFO:
		w.line("fifo %s", p)
	case OpTouch:
		w.line("tch %s %d", p, a.Mtime)
	case OpChmod:
		w.line("chm %o %s", a.Mode, p)
	case OpLink:
		w.line("hl %s %s", shq(a.Target), p)
	case OpLock:
		w.line("lock %s", p)
	case OpUnlock:
		w.line("unlock %s", p)
	}
}

func isPrintable(s string) bool {
	for _, c := range []byte(s) {
		if c < 0x20 && c != '\n' && c != '\t' || c >= 0x7f {
			return false
		}
	}
	return true
}

// printfLiteral quotes data as a printf format that prints it exactly.
func printfLiteral(data []byte) string {
	var b strings.Builder
	b.WriteByte('\'')
	for _, c := range data {
		switch {
		case c == '\'':
			b.WriteString(`'\''`)
		case c == '%':
			b.WriteString("%%")
		case c == '\\':
			b.WriteString(`\\`)
		case c >= 0x20 && c < 0x7f:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, `\%03o`, c)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

// envWords returns `env -i …` for a run: the same base the runner gives.
func (w *scriptWriter) envWords(t twin) string {
	objcache := t == twinObjcache
	path := `"$BIN":/usr/local/bin:/usr/bin:/bin`
	if objcache {
		path = `"$BIN/oc":` + path
		if w.s.Launch == LaunchMasquerade {
			path = `"$BIN/masq":` + path
		}
	}
	words := []string{"env", "-i", "PATH=" + path, `HOME="$root/home"`, `TMPDIR="$root/tmp"`, "DIFFTEST_TWIN=" + treeVar[t]}
	for _, v := range w.env {
		words = append(words, shq(v.Name+"="+v.Value))
	}
	if objcache {
		words = append(words, `OBJCACHE_DIR="$root/cache"`, `OBJCACHE_LOGFILE="$root/objcache.log"`)
		for _, v := range w.s.ObjcacheEnv {
			words = append(words, shq(v.Name+"="+v.Value))
		}
	}
	return strings.Join(words, " ")
}

// treeVar and treeLetter name each twin's tree in the script.
var (
	treeVar    = [...]string{`"$A"`, `"$B"`, `"$C"`}
	treeLetter = [...]string{"a", "b", "c"}
)

// runLine returns the script line that runs a compile in one twin.
func (w *scriptWriter) runLine(c Command, t twin) string {
	return fmt.Sprintf(`run %s "$DIR" %s %s`, treeLetter[t], w.envWords(t), w.cmdWords(c, t))
}

// cmdWords returns a compile's command line for one run, quoted.
func (w *scriptWriter) cmdWords(c Command, t twin) string {
	args := shqAll(c.argv(t))
	cc := shq(w.s.Compiler)
	if t != twinObjcache {
		return cc + " " + args
	}
	switch w.s.Launch {
	case LaunchMasquerade:
		base := w.s.Compiler[strings.LastIndexByte(w.s.Compiler, '/')+1:]
		return shq(base) + " " + args
	case LaunchTwice:
		return "objcache objcache " + cc + " " + args
	}
	return "objcache " + cc + " " + args
}

func (w *scriptWriter) step(i int, st Step) {
	n := i + 1
	w.line("")
	w.line("# step %d: %s", n, st.Note)
	switch st.Kind {
	case StepTree:
		for _, a := range st.Actions {
			w.action(a)
		}
	case StepEnv:
		for _, v := range st.Env {
			w.env = setVar(w.env, v.Name, v.Value)
		}
		w.line(": environment changed")
	case StepSleep:
		w.line("sleep %d.%03d", st.Millis/1000, st.Millis%1000)
	case StepGenerate:
		w.line(`run a "$DIR" %s %s`, w.envWords(twinPlain), shqAll(st.Argv))
		w.line(`syncref "$A" "$B"; [ ${#TREES[@]} = 2 ] || syncref "$A" "$C"`)
	case StepCompile:
		c := w.s.Commands[st.Cmd]
		if !st.NoSettle {
			w.line("sleep 0.06")
		}
		if w.s.TimeSensitive {
			w.line("align; t0=$(date +%%s)")
		}
		w.line("r0=$(reruns)")
		w.line("%s", w.runLine(c, twinObjcache))
		w.line("%s", w.runLine(c, twinPlain))
		nohash := ""
		if w.s.TimeSensitive {
			w.line(`nohash=; [ "$(date +%%s)" = "$t0" ] || { echo "step %d: the runs fell in different seconds; objects not compared"; nohash=nohash; }`, n)
			nohash = " $nohash"
		}
		if w.s.hasOriginal() {
			w.line("%s", w.runLine(c, twinOriginal))
			w.line(`depsync`)
			w.line(`if same b%s; then syncref "$B" "$C"; elif same c%s; then syncref "$C" "$B"; else compare %d b%s; fail %d; fi`, nohash, nohash, n, nohash, n)
		} else {
			w.line("compare %d b%s || fail %d", n, nohash, n)
		}
		if w.s.TimeSensitive {
			w.line(`[ -z "$nohash" ] || syncref "$B" "$A"`)
		}
		w.line(`twice %d "$r0" || fail %d`, n, n)
	case StepKill:
		c := w.s.Commands[st.Cmd]
		w.line(`killrun %s %d "$DIR" %s %s`, st.Signal, st.Millis, w.envWords(twinObjcache), w.cmdWords(c, twinObjcache))
		w.line("%s", w.runLine(c, twinPlain))
		w.line("strays %d || fail %d", n, n)
		w.line("resync")
	case StepRace:
		c1, c2 := w.s.Commands[st.Cmd], w.s.Commands[st.Cmd2]
		w.line(`at "$A" "$DIR" %s %s >"$root/r1" 2>&1 & at "$A" "$DIR" %s %s >"$root/r2" 2>&1 & wait`, w.envWords(twinObjcache), w.cmdWords(c1, twinObjcache), w.envWords(twinObjcache), w.cmdWords(c2, twinObjcache))
		w.line(`%s; snap "$B" /dev/null nohash >"$root/s2"`, w.runLine(c2, twinPlain))
		w.line(`%s; snap "$B" /dev/null nohash >"$root/s1"`, w.runLine(c1, twinPlain))
		w.line(`snap "$A" /dev/null nohash | while read -r p rest; do grep -q "^$p " "$root/s1" "$root/s2" || echo "step %d: $p left by two objcache runs at once; neither command alone writes it"; done | grep . && fail %d`, n, n)
		w.line("resync")
	}
}
