package launcher

import (
	"github.com/objcache/objcache/compiler"
	"github.com/objcache/objcache/digest"
	"github.com/objcache/objcache/manifest"
)

// SOURCE_DATE_EPOCH. gcc expands __DATE__ and __TIME__ from it, and reads
// it for nothing else (only when a time macro is expanded: an invalid value
// fails only such a compile). Reproducible builds set it per commit, so a
// key that always held it would miss for every file at every commit. It is
// keyed only where a time macro may read it: in the manifest key when the
// source or the arguments name one (known before the compile), and in the
// manifest entry when a header does (known after): the entry then carries
// a pseudo include, sourceDateEpochPath, whose "content" is the variable's
// value, and matches only under the same value.

// sourceDateEpoch is the variable's name.
const sourceDateEpoch = "SOURCE_DATE_EPOCH"

// sourceDateEpochPath names the pseudo include; a NUL never starts a
// file's path.
const sourceDateEpochPath = "\x00env:" + sourceDateEpoch

// sourceDateEpochValue is the pseudo include for the variable's current
// value (unset and empty differ).
func (u *unit) sourceDateEpochValue() manifest.Include {
	v, ok := lookupEnv(u.Environ, sourceDateEpoch)
	if !ok {
		return manifest.Include{Path: sourceDateEpochPath, Size: 0, Hash: digest.Of([]byte("unset"))}
	}
	return manifest.Include{Path: sourceDateEpochPath, Size: int64(len(v)), Hash: digest.Of([]byte("set=" + v))}
}

// sourceDateEpochInclude returns the pseudo include a manifest entry needs
// when one of its headers names __DATE__ or __TIME__ and the compiler
// honours the variable (dateSet; without it such a result is not stored).
func (u *unit) sourceDateEpochInclude(includes []manifest.Include) (manifest.Include, bool) {
	if !u.dateSet {
		return manifest.Include{}, false
	}
	for _, inc := range includes {
		if st := u.hashes.file(u.absPath(inc.Path)); st.err == nil && st.timeMacro&compiler.DateTime != 0 {
			return u.sourceDateEpochValue(), true
		}
	}
	return manifest.Include{}, false
}
