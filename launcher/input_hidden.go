package launcher

import "strings"

// reasonPragmaDependency counts calls whose text holds "#pragma GCC
// dependency": the compiler compares the named file's modification time
// with the current file's and warns (an error under -Werror) when it is
// newer, and no dependency file names it, so a hit could not show what the
// compiler would.
const reasonPragmaDependency = "pragma-dependency"

// hiddenReadReason returns why st's text makes a result unsafe to store,
// the reason to count, or "": the compiler or the assembler reads another
// file that no dependency file names (asmDirectives), where sloppiness
// does not allow it.
func (u *unit) hiddenReadReason(st *fileState) string {
	switch {
	case st.asm.readsFileTimes():
		return reasonPragmaDependency
	case u.asmHazard(st):
		return reasonAsmInclude
	}
	return ""
}

// argsHiddenReadReason is hiddenReadReason for the macros the command line
// defines (-DX=…, /DX=…, -Wp,-DX=…, response files expanded): the compiler
// expands them as if they were in the source, so an .incbin or a
// "GCC dependency" pragma can come from a value
// (-DINC='".incbin \"blob.bin\""' with asm(INC), -DDIR=incbin with .DIR in
// a .S). Each value is scanned as the source's text is.
func (u *unit) argsHiddenReadReason(args []string) string {
	var found asmDirectives
	for i, a := range args {
		var value string
		switch {
		case a == "-D" || a == "/D" || a == "--define-macro":
			if i+1 < len(args) {
				value = args[i+1]
			}
		case strings.HasPrefix(a, "-D"), strings.HasPrefix(a, "/D"):
			value = a[2:]
		case strings.HasPrefix(a, "--define-macro="):
			value = a[len("--define-macro="):]
		case strings.HasPrefix(a, "-Wp,"), strings.HasPrefix(a, "/clang:-D"):
			value = a
		}
		if value != "" {
			found |= scanAsmDirectives([]byte(value))
		}
	}
	if found == 0 {
		return ""
	}
	return u.hiddenReadReason(&fileState{asm: found})
}
