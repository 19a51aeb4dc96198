package launcher

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
