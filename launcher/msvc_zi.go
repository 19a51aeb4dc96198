package launcher

import "github.com/objcache/objcache/compiler"

// maxConvertedCommand bounds the command line of a /Zi call rewritten as
// /Z7: the rewrite inlines the call's response files, and Windows limits a
// command line to 32767 characters. A longer call passes through as given.
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
	if n > maxConvertedCommand {
		inv.log.printf("msvc_zi: the call as /Z7 would be %d characters long, past Windows' limit: passing /Zi through", n)
		return
	}
	inv.log.printf("msvc_zi: compiling /Zi as /Z7: %q", converted)
	inv.args = converted
}
