package compiler

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"unicode/utf16"

	"github.com/objcache/objcache/rawpath"
)

// maxResponseDepth bounds nested @files, so that a file including itself is
// an error rather than a hang.
const maxResponseDepth = 16

var errNestedTooDeep = fmt.Errorf("response files nested more than %d deep", maxResponseDepth)

// expandResponseFiles replaces each @file argument by the arguments the file
// holds, recursively, reading paths relative to cwd and splitting them as
// gcc does. An @name naming no file stays as written (gcc passes it on as
// it is). gcc (libiberty) takes the file's bytes as they are, a UTF-8 BOM
// included; clang (LLVM's ExpandResponseFiles) drops a UTF-8 BOM and
// decodes UTF-16 with a BOM.
func expandResponseFiles(args []string, cwd string, flavor Flavor) ([]string, error) {
	read := func(data []byte) []string { return splitResponseFile(string(data)) }
	if flavor == FlavorClang {
		read = func(data []byte) []string { return splitResponseFile(decodeText(data)) }
	}
	return expand(args, cwd, 0, read, true)
}

// expand replaces @file arguments by the arguments read returns from the
// file's content; keepMissing leaves an @name naming no file as it is,
// else that is an error.
func expand(args []string, cwd string, depth int, read func([]byte) []string, keepMissing bool) ([]string, error) {
	var out []string
	for _, arg := range args {
		if !strings.HasPrefix(arg, "@") || len(arg) == 1 {
			out = append(out, arg)
			continue
		}
		if depth >= maxResponseDepth {
			return nil, errNestedTooDeep
		}
		// As the compiler opens it: "link/../f.rsp" is beside the
		// link's target (rawpath).
		path := rawpath.Join(cwd, arg[1:])
		data, err := readResponseFile(path)
		if os.IsNotExist(err) && keepMissing {
			out = append(out, arg)
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("response file %s: %w", arg, err)
		}
		inner, err := expand(read(data), cwd, depth+1, read, keepMissing)
		if err != nil {
			return nil, err
		}
		out = append(out, inner...)
	}
	return out, nil
}

// readResponseFile reads the response file at path, which must be a
// regular file: a FIFO is not opened (objcache would wait for its writer,
// or take the arguments the compiler is to read), nor a device.
func readResponseFile(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	return os.ReadFile(path)
}

// decodeText returns a response file's text: UTF-8 (a BOM dropped), or
// UTF-16LE/BE when a BOM says so.
func decodeText(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		return string(data[3:])
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return decodeUTF16(data[2:], func(b []byte) uint16 { return uint16(b[0]) | uint16(b[1])<<8 })
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return decodeUTF16(data[2:], func(b []byte) uint16 { return uint16(b[1]) | uint16(b[0])<<8 })
	}
	return string(data)
}

func decodeUTF16(data []byte, unit func([]byte) uint16) string {
	units := make([]uint16, 0, len(data)/2)
	for i := 0; i+1 < len(data); i += 2 {
		units = append(units, unit(data[i:i+2]))
	}
	return string(utf16.Decode(units))
}

// splitResponseFile splits text into arguments as gcc (libiberty's
// buildargv) does: white space separates; single and double quotes group;
// a backslash takes the next character literally.
func splitResponseFile(text string) []string {
	var args []string
	var cur strings.Builder
	inArg := false
	var quote rune
	escaped := false
	for _, r := range text {
		switch {
		case escaped:
			cur.WriteRune(r)
			escaped = false
		case r == '\\':
			escaped, inArg = true, true
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote, inArg = r, true
		case r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == '\v':
			if inArg {
				args = append(args, cur.String())
				cur.Reset()
				inArg = false
			}
		default:
			cur.WriteRune(r)
			inArg = true
		}
	}
	if inArg {
		args = append(args, cur.String())
	}
	return args
}
