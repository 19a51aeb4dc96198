package launcher

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/objcache/objcache/digest"
)

// compilerIdentity returns the compiler's identity for the key, as
// compiler_check says:
//
//	content   the content hash of the compiler binary (the default), so
//	          machines that installed the same compiler at different times
//	          share entries; remembered by the binary's stat data in
//	          <dir>/compilers/ so that it is hashed once, not per call
//	mtime     the binary's path, size and mtime: cheaper, but not shared
//	          between machines
//	none      nothing: the user vouches that the compiler never changes
//	string:S  the text S (for example a version the build system knows)
func (inv *invocation) compilerIdentity() (digest.Sum, error) {
	check := inv.Config.CompilerCheck
	h := digest.New()
	h.String("compiler identity")
	switch {
	case check == "none":
		h.String("none")
		return h.Result(), nil
	case strings.HasPrefix(check, "string:"):
		h.String(check)
		return h.Result(), nil
	}
	real, err := filepath.EvalSymlinks(inv.compilerPath)
	if err != nil {
		return digest.Sum{}, fmt.Errorf("resolve compiler %s: %w", inv.compilerPath, err)
	}
	fi, err := os.Stat(real)
	if err != nil {
		return digest.Sum{}, fmt.Errorf("stat compiler %s: %w", real, err)
	}
	if check == "mtime" {
		h.String("mtime")
		h.String(real)
		h.Int(fi.Size())
		h.Int(fi.ModTime().UnixNano())
		return h.Result(), nil
	}
	sum, err := inv.contentIdentity(real, fi)
	if err != nil {
		return digest.Sum{}, err
	}
	h.String("content")
	h.Sum(sum)
	return h.Result(), nil
}

// statTrustAge is how old a file must be before its stat data is trusted to
// stand for its content: a file written within the last moments may still
// change without its times moving past the granularity of the file system
// (ccache #1215).
const statTrustAge = 2 * time.Second

// contentIdentity returns the content hash of the compiler binary real,
// through the record <dir>/compilers/<hash of path>, which holds the
// binary's stat fingerprint and its hash. The record is written whole to
// tmp/ and renamed, so concurrent writers race harmlessly: each writes a
// correct record.
func (inv *invocation) contentIdentity(real string, fi os.FileInfo) (digest.Sum, error) {
	fingerprint := fmt.Sprintf("%s\x00%d\x00%d\x00%d\x00%s", real, fi.Size(), fi.ModTime().UnixNano(), changeTime(fi).UnixNano(), fileID(fi))
	record := filepath.Join(inv.Config.Dir, "compilers", digest.Of([]byte(real)).String())
	if data, err := os.ReadFile(record); err == nil {
		if fp, hash, ok := strings.Cut(string(data), "\n"); ok && fp == fingerprint {
			if sum, err := digest.Parse(strings.TrimSpace(hash)); err == nil {
				return sum, nil
			}
		}
	}
	sum, err := digest.File(real)
	if err != nil {
		return digest.Sum{}, fmt.Errorf("hash compiler: %w", err)
	}
	if time.Since(fi.ModTime()) > statTrustAge && time.Since(changeTime(fi)) > statTrustAge {
		writeRecord(inv.Store, record, []byte(fingerprint+"\n"+sum.String()+"\n"))
	}
	return sum, nil
}
