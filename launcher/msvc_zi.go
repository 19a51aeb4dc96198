package launcher

import (
	"fmt"
	"os"
	"unicode/utf16"

	"github.com/objcache/objcache/compiler"
)

// maxConvertedCommand bounds the command line of a /Zi call rewritten as
// /Z7: the rewrite inlines the call's response files, and Windows limits a
// command line to 32767 characters. A longer call's rewritten arguments go
// into a response file in the cache's tmp/, removed when the call ends (a
// call that passed through as given instead made its /Yu compiles fail
// beside /Yc compiles that were rewritten: break-it round 9).
const maxConvertedCommand = 30000

// compileZiAsZ7 rewrites a cl call's /Zi as /Z7 (msvc_zi = "z7",
// compiler.ZiAsZ7): from here on the call is the rewritten one, for the
// key, the compile and a pass-through alike, so that a /Yc and the /Yu
// compiles that use its PCH agree on the debug format whether or not they
// are cached. CL and _CL_ are not rewritten: a /Zi there still passes the
// call through.
func (inv *invocation) compileZiAsZ7() {
	expanded, err := compiler.ExpandMSVCArgs(inv.args, inv.Dir)
	if err != nil {
		return // the parse reports it
	}
	converted, changed := compiler.ZiAsZ7(expanded)
	if !changed {
		return
	}
	n := len(inv.compilerPath)
	for _, a := range converted {
		n += len(a) + 3 // a blank and maybe quotes
	}
	inv.log.printf("msvc_zi: compiling /Zi as /Z7: %q", converted)
	if n > maxConvertedCommand {
		path, err := inv.writeArgsFile(converted)
		if err != nil {
			// Not rewritten at all rather than in part: every compile of
			// the build then agrees with cl about the PCH's format.
			inv.log.printf("msvc_zi: %v: passing /Zi through", err)
			return
		}
		converted = []string{"@" + path}
	}
	inv.args = converted
}

// writeArgsFile writes args as a UTF-16 response file (cl reads it so) in
// the cache's tmp/, registered for removal (invocation.removeArgsFile).
func (inv *invocation) writeArgsFile(args []string) (string, error) {
	f, err := os.CreateTemp(inv.Store.TmpDir(), "args-*.rsp")
	if err != nil {
		return "", fmt.Errorf("response file: %w", err)
	}
	inv.janitor.track(f.Name())
	inv.argsFile = f.Name()
	data := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(compiler.JoinWindowsArgs(args))) {
		data = append(data, byte(u), byte(u>>8))
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		inv.removeArgsFile()
		return "", fmt.Errorf("response file: %w", err)
	}
	if err := f.Close(); err != nil {
		inv.removeArgsFile()
		return "", fmt.Errorf("response file: %w", err)
	}
	return f.Name(), nil
}

// removeArgsFile removes the response file writeArgsFile wrote, if any.
func (inv *invocation) removeArgsFile() {
	if inv.argsFile != "" {
		inv.janitor.remove(inv.argsFile)
		inv.argsFile = ""
	}
}
