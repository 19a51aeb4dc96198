package launcher

// outcomeOutputIsInput: an output of the call is one of the files it reads
// (gcc -c t.c -o t.c, a depfile named like a header). gcc refuses an
// output that is its input ("input file is the same as output file"),
// clang overwrites it, and any compiler writing a depfile over a header
// destroys it: whatever the compiler does, it does it alone, before
// objcache has written anything.
const outcomeOutputIsInput = prefixUncacheable + "output-is-input"

// outputIsInput returns outcomeOutputIsInput when one of plans acts on a
// file the call has hashed as an input so far (the source, the extra
// inputs, the include files of a lookup or of the compile), "" otherwise.
// Files are compared by identity (device and inode), not by name: a hard
// link or a symbolic link to the source is the source. It costs no system
// call: the plans and the hashed files carry their stat data.
func (u *unit) outputIsInput(plans ...outputPlan) string {
	for path, st := range u.hashes.memo {
		if st.err != nil || !st.haveStat {
			continue
		}
		for _, p := range plans {
			if p.isFile(st.stat) {
				u.log.printf("output %s is the input %s: the compiler runs as given", p.path, path)
				return outcomeOutputIsInput
			}
		}
	}
	return ""
}
