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
//	content   the content hash of the compiler binary and its parts
//	          (identity_parts.go; the default), so machines that
//	          installed the same compiler at different times share
//	          entries; remembered by the files' stat data in
//	          <dir>/compilers/ so that they are hashed once, not per call
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
	real, err := inv.realCompiler()
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
	sum, err := inv.contentIdentity(real, fi, true)
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

// identityRecordVersion starts every compilers/ identity record; a record
// of another layout (the driver-only records before it) is hashed again.
//
// v3: the driver's specs file is a part, or its place an "absent" line.
// v4: a "refuse" line says no call of the compiler is cached.
const identityRecordVersion = "identity v4"

// refusedCompiler is the error of a compiler's identity when none of its
// calls can be cached (compilerParts' refusal): a specs file of its own
// that reads what no key covers.
type refusedCompiler struct {
	reason string // the outcome's reason, as "specs-function"
}

func (r *refusedCompiler) Error() string {
	return "the compiler's own specs file reads what no key covers (" + r.reason + ")"
}

// contentIdentity returns the content hash of the compiler binary real and
// of its parts (identity_parts.go; probe says whether the driver may be
// asked for its programs), through the record <dir>/compilers/<hash of
// path>: the version line, the driver's stat fingerprint, a "part" line with
// the fingerprint of each part, and the hash. The record is trusted while
// every fingerprint matches. It is written whole to tmp/ and renamed, so
// concurrent writers race harmlessly: each writes a correct record. Each
// file is stat'ed before it is hashed, so a file that changes in between
// leaves a fingerprint that no longer matches, never a stale hash that
// does.
func (inv *invocation) contentIdentity(real string, fi os.FileInfo, probe bool) (digest.Sum, error) {
	driverPrint := statFingerprint(real, fi)
	record := filepath.Join(inv.Config.Dir, "compilers", digest.Of([]byte(real)).String())
	if data, err := os.ReadFile(record); err == nil {
		if sum, refusal, ok := checkIdentityRecord(string(data), driverPrint); ok {
			if refusal != "" {
				return digest.Sum{}, &refusedCompiler{reason: refusal}
			}
			return sum, nil
		}
	}
	h := digest.New()
	h.String(identityRecordVersion)
	sum, err := digest.File(real)
	if err != nil {
		return digest.Sum{}, fmt.Errorf("hash compiler: %w", err)
	}
	h.Sum(sum)
	lines := []string{identityRecordVersion, driverPrint}
	trusted := statTrusted(fi)
	parts, absent, refusal := compilerParts(real, probe)
	if refusal != "" {
		h.String("refuse " + refusal)
		lines = append(lines, "refuse "+refusal)
	}
	for _, path := range absent {
		h.String("absent " + filepath.Base(path))
		lines = append(lines, "absent "+path)
	}
	for _, part := range parts {
		pfi, err := os.Stat(part)
		if err != nil {
			return digest.Sum{}, fmt.Errorf("stat compiler part: %w", err)
		}
		psum, err := digest.File(part)
		if err != nil {
			return digest.Sum{}, fmt.Errorf("hash compiler part: %w", err)
		}
		h.String(filepath.Base(part))
		h.Sum(psum)
		lines = append(lines, "part "+statFingerprint(part, pfi))
		trusted = trusted && statTrusted(pfi)
	}
	id := h.Result()
	if trusted && !strings.Contains(strings.Join(lines, ""), "\n") {
		writeRecord(inv.Store, record, []byte(strings.Join(lines, "\n")+"\n"+id.String()+"\n"))
	}
	if refusal != "" {
		return digest.Sum{}, &refusedCompiler{reason: refusal}
	}
	return id, nil
}

// statFingerprint is what stands for a file's content while it is
// unchanged: path, size, modification and change times, file identity.
func statFingerprint(path string, fi os.FileInfo) string {
	return fmt.Sprintf("%s\x00%d\x00%d\x00%d\x00%s", path, fi.Size(), fi.ModTime().UnixNano(), changeTime(fi).UnixNano(), fileID(fi))
}

// statTrusted reports whether fi is old enough for its stat data to stand
// for its content.
func statTrusted(fi os.FileInfo) bool {
	return time.Since(fi.ModTime()) > statTrustAge && time.Since(changeTime(fi)) > statTrustAge
}

// checkIdentityRecord returns the identity a record holds, and its
// refusal if it has one, if it is of this version, its driver fingerprint
// is driverPrint and every part it names still has the fingerprint
// recorded.
func checkIdentityRecord(data, driverPrint string) (sum digest.Sum, refusal string, ok bool) {
	lines := strings.Split(strings.TrimSuffix(data, "\n"), "\n")
	if len(lines) < 3 || lines[0] != identityRecordVersion || lines[1] != driverPrint {
		return digest.Sum{}, "", false
	}
	for _, line := range lines[2 : len(lines)-1] {
		if reason, ok := strings.CutPrefix(line, "refuse "); ok {
			refusal = reason
			continue
		}
		if path, ok := strings.CutPrefix(line, "absent "); ok {
			if _, err := os.Lstat(path); err == nil {
				return digest.Sum{}, "", false // it appeared: hashed again
			}
			continue
		}
		fp, ok := strings.CutPrefix(line, "part ")
		if !ok {
			return digest.Sum{}, "", false
		}
		path, _, _ := strings.Cut(fp, "\x00")
		fi, err := os.Stat(path)
		if err != nil || statFingerprint(path, fi) != fp {
			return digest.Sum{}, "", false
		}
	}
	sum, err := digest.Parse(lines[len(lines)-1])
	return sum, refusal, err == nil
}
