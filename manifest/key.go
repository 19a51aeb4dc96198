// Package manifest implements direct mode's manifests: how the key of a
// compilation is derived from its command line and inputs, how the include
// files it read are recorded, and how a later compilation finds the entry
// whose include files all still match.
package manifest

import (
	"github.com/objcache/objcache/digest"
)

// FormatVersion changes whenever keys or the manifest encoding change, so
// that an upgraded objcache never reads entries it would misunderstand.
//
// Version 2: SHA-256 replaced BLAKE3 in every key and checksum.
const FormatVersion = 2

// FileHash names an input file and its content hash.
type FileHash struct {
	Path string
	Hash digest.Sum
}

// KeyInputs are everything that decides a compilation's result before its
// include files are known (DESIGN.md §2, step 1).
type KeyInputs struct {
	// CompilerID is the compiler's identity (by default its content hash).
	CompilerID digest.Sum
	// Family is the command-line dialect ("gcc", "msvc").
	Family string
	// Args are the arguments that affect the result, output paths removed.
	Args []string
	// Env are the result-changing environment variables as "NAME=value",
	// in a fixed order, unset ones left out.
	Env []string
	// Source is the source path exactly as the compiler sees it (it feeds
	// __FILE__) and SourceHash its content hash.
	Source     string
	SourceHash digest.Sum
	// Inputs are files read by the compiler that no depfile lists.
	Inputs []FileHash
	// Dir is the working directory when the object embeds it (debug info,
	// recording compilers); empty otherwise.
	Dir string
	// Output is the output path when the object records it; empty
	// otherwise.
	Output string
	// Extra holds anything else that changes what is stored (for example
	// the depfile target mode); each string is one field.
	Extra []string
}

// Key returns the manifest key of in.
func (in *KeyInputs) Key() digest.Sum {
	h := digest.New()
	h.String("objcache manifest key")
	h.Int(FormatVersion)
	h.Sum(in.CompilerID)
	h.String(in.Family)
	h.Strings(in.Args)
	h.Strings(in.Env)
	h.String(in.Source)
	h.Sum(in.SourceHash)
	h.Int(int64(len(in.Inputs)))
	for _, f := range in.Inputs {
		h.String(f.Path)
		h.Sum(f.Hash)
	}
	h.String(in.Dir)
	h.String(in.Output)
	h.Strings(in.Extra)
	return h.Result()
}

// ObjectKey returns the key of the object entry for a compilation whose
// manifest key is manifestKey and which read includes (DESIGN.md §2, step 3).
func ObjectKey(manifestKey digest.Sum, includes []Include) digest.Sum {
	h := digest.New()
	h.String("objcache object key")
	h.Sum(manifestKey)
	h.Int(int64(len(includes)))
	for _, inc := range includes {
		h.String(inc.Path)
		h.Sum(inc.Hash)
	}
	return h.Result()
}
