package launcher

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/objcache/objcache/cache"
	"github.com/objcache/objcache/digest"
	"github.com/objcache/objcache/manifest"
)

// Precompiled headers of cl and clang-cl (/Yc, /Yu, /Fp).
//
// A /Yc compile writes the object and the PCH. clang-cl's PCH records the
// absolute path, size and modification time of every file it was made
// from, and a /Yu compile refuses it when one of them changed ("has been
// modified since the precompiled header was built"); the same files, at
// the same paths and times, give the same bytes. So a /Yc entry is keyed by
// the working directory, stores the PCH and the list of those files as
// they were, and hits only while each still has its recorded size and
// time: then the stored PCH is the one the compiler would write now.
//
// A /Yu compile reads the PCH, whose headers no /showIncludes line names.
// It is keyed by what the PCH stands for, not its bytes: the /Yc compile
// that made it records, under the hash of the PCH's content, its identity
// (the /Yc's object key without the working directory, so that the same
// header compiled in another checkout under base dirs has the same one)
// and the files it was made from. A /Yu whose PCH has no such record (made
// without objcache, or evicted) or whose files changed since (the compiler
// refuses it) runs uncached.

// Output kinds of a /Yc entry and of a PCH's identity record.
const (
	pchKind         = "pch"       // the precompiled header
	pchInputsKind   = "pchinputs" // the files it was made from (pchRecord)
	pchIdentityKind = "pchid"     // a PCH's identity record (pchRecord)
)

// pchRecord is what a PCH stands for and the files it was made from, as
// they were when it was made.
type pchRecord struct {
	identity digest.Sum
	inputs   []pchInput
}

// pchInput is one file a PCH was made from: its absolute path, size and
// modification time (ns), which the compiler checks when it reads the PCH.
type pchInput struct {
	path        string
	size, mtime int64
}

// encode writes the record as text: the identity, then one line per file.
func (r pchRecord) encode() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "objcache pch 1\n%s\n", r.identity)
	for _, in := range r.inputs {
		fmt.Fprintf(&b, "%d %d %s\n", in.size, in.mtime, in.path)
	}
	return b.Bytes()
}

// decodePCHRecord reads what encode wrote.
func decodePCHRecord(data []byte) (pchRecord, error) {
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) < 2 || lines[0] != "objcache pch 1" {
		return pchRecord{}, errors.New("not a PCH record")
	}
	id, err := digest.Parse(lines[1])
	if err != nil {
		return pchRecord{}, fmt.Errorf("PCH record: %w", err)
	}
	r := pchRecord{identity: id}
	for _, l := range lines[2:] {
		f := strings.SplitN(l, " ", 3)
		if len(f) != 3 {
			return pchRecord{}, fmt.Errorf("PCH record: bad line %q", l)
		}
		size, err1 := strconv.ParseInt(f[0], 10, 64)
		mtime, err2 := strconv.ParseInt(f[1], 10, 64)
		if err1 != nil || err2 != nil {
			return pchRecord{}, fmt.Errorf("PCH record: bad line %q", l)
		}
		r.inputs = append(r.inputs, pchInput{path: f[2], size: size, mtime: mtime})
	}
	return r, nil
}

// current reports whether every file the PCH was made from still has its
// recorded size and modification time.
func (r pchRecord) current() bool {
	for _, in := range r.inputs {
		fi, err := os.Stat(in.path)
		if err != nil || fi.Size() != in.size || fi.ModTime().UnixNano() != in.mtime {
			return false
		}
	}
	return true
}

// statPCHInputs records the files a /Yc compile read (absolute paths).
func statPCHInputs(paths []string) ([]pchInput, error) {
	inputs := make([]pchInput, 0, len(paths))
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("PCH input %s: %w", p, err)
		}
		inputs = append(inputs, pchInput{path: p, size: fi.Size(), mtime: fi.ModTime().UnixNano()})
	}
	return inputs, nil
}

// pchIdentityKey is the manifest key of the identity record of a PCH whose
// content hashes to sum.
func pchIdentityKey(sum digest.Sum) digest.Sum {
	h := digest.New()
	h.String("objcache pch identity")
	h.Sum(sum)
	return h.Result()
}

// identityUnit is the unit the identity record of the PCH with content
// hash sum is looked up and stored by: a manifest with one entry and no
// include files, evicted and shared like any other.
func (c *msvcCall) identityUnit(sum digest.Sum) *unit {
	u := newUnit(c.invocation, c.p.PCHFile, nil)
	u.mkey = pchIdentityKey(sum)
	return u
}

// pchIdentity returns the identity of the PCH a /Yu compile reads, or the
// reason it runs uncached: the PCH is missing (the compiler says so), has
// no identity record, or was made from files that changed since.
func (c *msvcCall) pchIdentity(ctx context.Context) (digest.Sum, string) {
	st := c.keyedFile(c.p.PCHFile, scanNone)
	if st.err != nil {
		return digest.Sum{}, "pch-missing"
	}
	c.keyed[c.p.PCHFile] = st.hash
	e := c.identityUnit(st.hash).lookup(ctx)
	if e == nil {
		c.log.printf("PCH %s has no identity record (made without objcache, or evicted)", c.p.PCHFile)
		return digest.Sum{}, "pch-unknown"
	}
	data, ok := output(e, pchIdentityKind)
	if !ok {
		return digest.Sum{}, "pch-unknown"
	}
	r, err := decodePCHRecord(data)
	if err != nil {
		c.log.printf("PCH %s: %v", c.p.PCHFile, err)
		return digest.Sum{}, "pch-unknown"
	}
	if !r.current() {
		c.log.printf("PCH %s was made from files that changed since", c.p.PCHFile)
		return digest.Sum{}, "pch-stale"
	}
	return r.identity, ""
}

// pchHit checks a /Yc entry before it is used: its PCH must be the one the
// compiler would write now (every file it was made from as recorded).
func (c *msvcCall) pchHit(e *cache.Entry) (pch []byte, rec pchRecord, ok bool) {
	pch, ok = output(e, pchKind)
	inputs, iok := output(e, pchInputsKind)
	if !ok || !iok {
		return nil, pchRecord{}, false
	}
	rec, err := decodePCHRecord(inputs)
	if err != nil || !rec.current() {
		c.log.printf("miss: the stored PCH was made from files that changed since")
		return nil, pchRecord{}, false
	}
	return pch, rec, true
}

// pchOutputs reads the PCH a /Yc compile that started at started wrote,
// and makes its record from the files the compile read (the source and
// includes, with their hashes as stored): the outputs to store with the
// object, and the identity record to publish.
func (c *msvcCall) pchOutputs(started time.Time, includes []manifest.Include) (outs []cache.Output, rec pchRecord, pch []byte, err error) {
	pch, err = readWritten(snapWritten(c.pchPlan.path), started)
	if err != nil {
		return nil, pchRecord{}, nil, err
	}
	paths := []string{c.absPath(c.src.Path)}
	for _, inc := range includes {
		paths = append(paths, c.absPath(inc.Path))
	}
	inputs, err := statPCHInputs(paths)
	if err != nil {
		return nil, pchRecord{}, nil, err
	}
	rec = pchRecord{identity: manifest.ObjectKey(c.pchSemantic, includes), inputs: inputs}
	outs = []cache.Output{{Kind: pchKind, Data: pch}, {Kind: pchInputsKind, Data: rec.encode()}}
	return outs, rec, pch, nil
}

// publishIdentity stores the identity record of a PCH, after a /Yc miss
// stored it or a hit wrote it (the record may have been evicted alone).
func (c *msvcCall) publishIdentity(ctx context.Context, pch []byte, rec pchRecord) {
	u := c.identityUnit(digest.Of(pch))
	e := &cache.Entry{ManifestKey: u.mkey, Outputs: []cache.Output{{Kind: pchIdentityKind, Data: rec.encode()}}}
	if _, err := u.publishEntry(ctx, manifest.ObjectKey(u.mkey, nil), e, nil); err != nil {
		c.log.printf("PCH identity not stored: %v", err)
	}
}

// withoutPCHCreate returns args without /Yc and /Fp: under /Zs clang-cl
// reads the PCH /Yc names instead of writing it, and the /Zs pass that
// lists a /Yc source's include files needs neither.
func withoutPCHCreate(args []string) []string {
	out := make([]string, 0, len(args))
	for _, a := range args {
		if len(a) > 2 && (a[0] == '/' || a[0] == '-') && (strings.HasPrefix(a[1:], "Yc") || strings.HasPrefix(a[1:], "Fp")) {
			continue
		}
		out = append(out, a)
	}
	return out
}
