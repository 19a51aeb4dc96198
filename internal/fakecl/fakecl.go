// Package fakecl is a stand-in for Microsoft's cl.exe in tests, which cannot
// run on the machines objcache is tested on. It follows cl's documented
// rules (learn.microsoft.com, "Compiler options listed by category") for
// the options objcache treats specially, records every call, and refuses
// what cl refuses, with cl's error numbers:
//
//   - arguments: options start with / or - (an existing source's absolute
//     Unix path is a source, as clang-cl reads it); @file is a response file
//     (UTF-16 with a byte order mark, else UTF-8); CL is read before the
//     command line and _CL_ after it, with # read as =;
//   - each source is compiled to /Fo's file, or into /Fo's directory (a
//     name ending in \ or /), or to <base>.obj; its name is printed on
//     stdout as cl prints it; without /nologo the banner goes to stderr;
//   - /showIncludes prints "Note: including file:" lines on stdout; /Zs
//     checks syntax and writes nothing; /I and INCLUDE are searched;
//   - /Z7 puts the debug information into the object, which records its
//     own path, the working directory and the command line; /Zi writes it
//     to the PDB /Fd names (default vc140.pdb, a directory gets vc140.pdb
//     inside), shared by every object of a target; two processes writing
//     one PDB need /FS, else the second fails (C1041);
//   - /Yc[header] compiles the source up to and including the header (or
//     #pragma hdrstop, or the whole file without a header name) and writes
//     the precompiled header to /Fp (default: the header's base name, or
//     the source's, with .pch); /Yu[header] reads it (C1083 when it is
//     missing) and refuses one made with another debug format or another
//     PDB (C2859) or another /D set (C4651 is cl's warning; here it is an
//     error, as /WX would make it), and a source that does not include the
//     header (C1010);
//   - /sourceDependencies file writes the source's JSON dependency list
//     there, into an existing directory as <source file name>.json, and
//     /sourceDependencies- (or -) to stdout.
//
// An object's content is a text naming everything that decided it, so
// that tests can compare objects byte for byte and see why two differ.
// FAKECL_LOG, when set, names a file each call appends its arguments to.
//
// It parses its command line itself, not with objcache's compiler package
// (SplitWindowsArgs, the response-file readers): a mistake shared by the
// fake and the code under test would hide in every test.
package fakecl

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
	"unicode/utf16"
)

// Main runs one call of the fake cl with args (without the program name)
// and returns its exit status.
func Main(args []string, stdout, stderr io.Writer) int {
	if log := os.Getenv("FAKECL_LOG"); log != "" {
		if f, err := os.OpenFile(log, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o666); err == nil {
			fmt.Fprintf(f, "%q\n", args)
			f.Close()
		}
	}
	c, err := parse(args)
	if err != nil {
		fmt.Fprintf(stderr, "cl : Command line error %v\n", err)
		return 2
	}
	if !c.nologo {
		fmt.Fprintln(stderr, "Microsoft (R) C/C++ Optimizing Compiler Version 19.99.0 for x64 (fakecl)")
	}
	if !c.compileOnly {
		fmt.Fprintln(stderr, "cl : Command line error D8999 : fakecl does not link; use /c")
		return 2
	}
	if len(c.sources) == 0 {
		fmt.Fprintln(stderr, "cl : Command line error D8003 : missing source filename")
		return 2
	}
	if len(c.sources) > 1 && c.output != "" && !isDirName(c.output) {
		fmt.Fprintln(stderr, "cl : Command line error D8036 : '/Fo"+c.output+"' not allowed with multiple source files")
		return 2
	}
	status := 0
	for _, src := range c.sources {
		fmt.Fprintln(stdout, filepath.Base(src))
		if err := c.compile(src, stdout); err != nil {
			fmt.Fprintln(stdout, err)
			status = 2
		}
	}
	return status
}

// call is one parsed command line.
type call struct {
	args                   []string // all of them, CL and _CL_ applied
	compileOnly, nologo    bool
	showIncludes, syntax   bool
	debug                  string // "", "Z7", "Zi"
	pdb                    string // /Fd's value
	sharedPDB              bool   // /FS
	output                 string // /Fo's value
	includeDirs, defines   []string
	create, use, pchHeader string // /Yc, /Yu and the header named
	pchFile                string // /Fp's value
	sourceDeps             string // /sourceDependencies' value; "-" is stdout
	sources                []string
}

// parse reads the command line as cl does.
func parse(cmdline []string) (*call, error) {
	var all []string
	all = append(all, envArgs("CL")...)
	expanded, err := expandResponse(cmdline)
	if err != nil {
		return nil, err
	}
	all = append(all, expanded...)
	all = append(all, envArgs("_CL_")...)
	c := &call{args: all}
	for i := 0; i < len(all); i++ {
		a := all[i]
		if a == "" {
			continue
		}
		if a[0] != '/' && a[0] != '-' || isSourcePath(a) {
			c.sources = append(c.sources, a)
			continue
		}
		o := a[1:]
		value := func(name string) (string, error) {
			v := o[len(name):]
			if v == "" && i+1 < len(all) {
				i++
				v = all[i]
			}
			if v == "" {
				return "", fmt.Errorf("D8004 : '/%s' requires an argument", name)
			}
			return v, nil
		}
		switch {
		case o == "c":
			c.compileOnly = true
		case o == "nologo":
			c.nologo = true
		case o == "showIncludes":
			c.showIncludes = true
		case o == "Zs":
			c.syntax = true
		case o == "Z7" || o == "Zi":
			c.debug = o
		case o == "ZI":
			c.debug = "Zi"
		case o == "FS":
			c.sharedPDB = true
		case o == "sourceDependencies-":
			c.sourceDeps = "-"
		case o == "sourceDependencies":
			v, err := value(o)
			if err != nil {
				return nil, err
			}
			c.sourceDeps = v
		case strings.HasPrefix(o, "Fd"):
			c.pdb = strings.TrimPrefix(o[2:], ":")
		case strings.HasPrefix(o, "Fo"):
			c.output = strings.TrimPrefix(o[2:], ":")
		case strings.HasPrefix(o, "Fp"):
			c.pchFile = strings.TrimPrefix(o[2:], ":")
		case strings.HasPrefix(o, "Yc"):
			c.create, c.pchHeader = "yes", strings.Trim(o[2:], `"`)
		case strings.HasPrefix(o, "Yu"):
			c.use, c.pchHeader = "yes", strings.Trim(o[2:], `"`)
		case strings.HasPrefix(o, "I"):
			v, err := value("I")
			if err != nil {
				return nil, err
			}
			c.includeDirs = append(c.includeDirs, v)
		case strings.HasPrefix(o, "D"):
			v, err := value("D")
			if err != nil {
				return nil, err
			}
			c.defines = append(c.defines, v)
		case strings.HasPrefix(o, "Tc") || strings.HasPrefix(o, "Tp"):
			v, err := value(o[:2])
			if err != nil {
				return nil, err
			}
			c.sources = append(c.sources, v)
		}
		// Every other option is accepted and only recorded.
	}
	if c.create != "" && c.use != "" {
		return nil, errors.New("D8016 : '/Yc' and '/Yu' command-line options are incompatible")
	}
	return c, nil
}

// isSourcePath reports whether a, which starts with "/", is an absolute
// Unix path to a source rather than an option (as clang-cl reads such
// arguments; cl on Windows never meets one).
func isSourcePath(a string) bool {
	switch strings.ToLower(filepath.Ext(a)) {
	case ".c", ".cpp", ".cxx", ".cc":
	default:
		return false
	}
	fi, err := os.Stat(a)
	return err == nil && fi.Mode().IsRegular()
}

// envArgs splits CL or _CL_ as cl does, # read as =.
func envArgs(name string) []string {
	return splitArgs(strings.ReplaceAll(os.Getenv(name), "#", "="))
}

// expandResponse replaces each @file by the arguments it holds.
func expandResponse(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		if !strings.HasPrefix(a, "@") {
			out = append(out, a)
			continue
		}
		data, err := os.ReadFile(a[1:])
		if err != nil {
			return nil, fmt.Errorf("D8022 : cannot open '%s'", a[1:])
		}
		out = append(out, splitArgs(decode(data))...)
	}
	return out, nil
}

// decode reads a response file's text: UTF-16 LE after its byte order
// mark, else UTF-8.
func decode(data []byte) string {
	if len(data) >= 2 && data[0] == 0xFF && data[1] == 0xFE {
		units := make([]uint16, 0, len(data)/2)
		for i := 2; i+1 < len(data); i += 2 {
			units = append(units, uint16(data[i])|uint16(data[i+1])<<8)
		}
		return string(utf16.Decode(units))
	}
	return strings.TrimPrefix(string(data), "\uFEFF")
}

// splitArgs splits a command line at blanks outside double quotes, the
// quotes removed (enough for the tests' command lines).
func splitArgs(s string) []string {
	var out []string
	var cur strings.Builder
	inQuote, have := false, false
	for _, r := range s {
		switch {
		case r == '"':
			inQuote, have = !inQuote, true
		case (r == ' ' || r == '\t' || r == '\n' || r == '\r') && !inQuote:
			if have {
				out = append(out, cur.String())
				cur.Reset()
				have = false
			}
		default:
			cur.WriteRune(r)
			have = true
		}
	}
	if have {
		out = append(out, cur.String())
	}
	return out
}

// isDirName reports whether a /Fo, /Fd or /Fp value names a directory.
func isDirName(v string) bool {
	return strings.HasSuffix(v, `\`) || strings.HasSuffix(v, "/")
}

// objectPath returns where the object of src goes.
func (c *call) objectPath(src string) string {
	base := strings.TrimSuffix(filepath.Base(src), filepath.Ext(src)) + ".obj"
	switch {
	case c.output == "":
		return base
	case isDirName(c.output):
		return filepath.Join(c.output, base)
	}
	if filepath.Ext(c.output) == "" {
		return c.output + ".obj"
	}
	return c.output
}

// pdbPath returns the PDB a /Zi compile writes.
func (c *call) pdbPath() string {
	switch {
	case c.pdb == "":
		return "vc140.pdb"
	case isDirName(c.pdb):
		return filepath.Join(c.pdb, "vc140.pdb")
	}
	if filepath.Ext(c.pdb) == "" {
		return c.pdb + ".pdb"
	}
	return c.pdb
}

// pchPath returns the precompiled header /Yc writes or /Yu reads.
func (c *call) pchPath(src string) string {
	name := c.pchHeader
	if name == "" {
		name = src
	}
	def := strings.TrimSuffix(filepath.Base(name), filepath.Ext(name)) + ".pch"
	switch {
	case c.pchFile == "":
		return def
	case isDirName(c.pchFile):
		return filepath.Join(c.pchFile, def)
	}
	return c.pchFile
}

// compile compiles one source. A returned error is cl's message (file(line):
// error Cnnnn: …), printed on stdout as cl prints its diagnostics.
func (c *call) compile(src string, stdout io.Writer) error {
	cwd, _ := os.Getwd()
	text, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("c1xx: fatal error C1083: Cannot open source file: '%s': No such file or directory", src)
	}
	h := sha256.New()
	fmt.Fprintf(h, "defines %q\n", sorted(c.defines))
	lines := strings.SplitAfter(string(text), "\n")
	start := 0
	var pch string // the precompiled header's digest, for /Yu
	if c.use != "" {
		n, ok := c.pchEnd(lines)
		if !ok {
			return fmt.Errorf("%s(%d): fatal error C1010: unexpected end of file while looking for precompiled header. Did you forget to add '#include \"%s\"' to your source?", src, len(lines), c.pchHeader)
		}
		data, err := os.ReadFile(c.pchPath(src))
		if err != nil {
			return fmt.Errorf("%s(%d): fatal error C1083: Cannot open precompiled header file: '%s': No such file or directory", src, n, c.pchPath(src))
		}
		fields := pchFields(data)
		switch {
		case fields["debug"] != c.debug || c.debug == "Zi" && fields["pdb"] != absPath(cwd, c.pdbPath()):
			return fmt.Errorf("%s(%d): error C2859: %s is not the pdb file that was used when this precompiled header was created, recreate the precompiled header", src, n, c.pdbPath())
		case fields["defines"] != fmt.Sprintf("%q", sorted(c.defines)):
			return fmt.Errorf("%s(%d): error C4651: the defines were specified for the precompiled header but not for the current compilation", src, n)
		}
		sum := sha256.Sum256(data)
		pch = hex.EncodeToString(sum[:])
		fmt.Fprintf(h, "pch %s\n", pch)
		start = n
	}
	var headers []string
	body := lines[start:]
	if c.create != "" {
		n, ok := c.pchEnd(lines)
		if !ok && c.pchHeader != "" {
			return fmt.Errorf("%s(%d): fatal error C1010: unexpected end of file while looking for precompiled header", src, len(lines))
		}
		if !ok {
			n = len(lines)
		}
		body = lines[:n]
	}
	if err := c.preprocess(src, body, filepath.Dir(src), 1, h, &headers, stdout); err != nil {
		return err
	}
	if c.create != "" {
		// The PCH holds what it was made from, and the debug format and
		// PDB the objects that use it must share.
		var b bytes.Buffer
		fmt.Fprintf(&b, "FAKECL-PCH\ndebug %s\n", c.debug)
		if c.debug == "Zi" {
			fmt.Fprintf(&b, "pdb %s\n", absPath(cwd, c.pdbPath()))
		}
		fmt.Fprintf(&b, "defines %q\ncontent %x\n", sorted(c.defines), h.Sum(nil))
		if !c.syntax {
			if err := os.WriteFile(c.pchPath(src), b.Bytes(), 0o666); err != nil {
				return fmt.Errorf("%s: fatal error C1085: Cannot write precompiled header file: '%s'", src, c.pchPath(src))
			}
		}
		// The rest of the /Yc source is compiled as usual.
		if err := c.preprocess(src, lines[len(body):], filepath.Dir(src), 1, h, &headers, stdout); err != nil {
			return err
		}
	}
	if err := c.writeSourceDeps(cwd, src, headers, stdout); err != nil {
		return err
	}
	if c.syntax {
		return nil
	}
	obj := c.objectPath(src)
	var b bytes.Buffer
	fmt.Fprintf(&b, "FAKECL-OBJ\nsource %s\ncontent %x\n", filepath.Base(src), h.Sum(nil))
	switch c.debug {
	case "Z7":
		fmt.Fprintf(&b, "debug Z7\nobject %s\ncwd %s\ncmdline %q\n", absPath(cwd, obj), cwd, c.args)
	case "Zi":
		pdb := absPath(cwd, c.pdbPath())
		if err := c.writePDB(pdb, obj, h.Sum(nil)); err != nil {
			return fmt.Errorf("%s: fatal error C1041: cannot open program database '%s'; if multiple CL.EXE write to the same .PDB file, please use /FS", src, pdb)
		}
		fmt.Fprintf(&b, "debug Zi\npdb %s\n", pdb)
	}
	if err := os.WriteFile(obj, b.Bytes(), 0o666); err != nil {
		return fmt.Errorf("%s: fatal error C1083: Cannot open compiler generated file: '%s': Permission denied", src, obj)
	}
	return nil
}

// writeSourceDeps writes /sourceDependencies' JSON: to the file named, or
// into the directory named (it must exist) as the source's file name with
// ".json" appended, or to stdout for "-". Paths are absolute.
func (c *call) writeSourceDeps(cwd, src string, headers []string, stdout io.Writer) error {
	if c.sourceDeps == "" {
		return nil
	}
	quoted := make([]string, len(headers))
	for i, h := range headers {
		quoted[i] = fmt.Sprintf("%q", h)
	}
	data := fmt.Sprintf("{\"Version\":\"1.2\",\"Data\":{\"Source\":%q,\"Includes\":[%s]}}\n", absPath(cwd, src), strings.Join(quoted, ","))
	if c.sourceDeps == "-" {
		_, err := io.WriteString(stdout, data)
		return err
	}
	path := c.sourceDeps
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		path = filepath.Join(path, filepath.Base(src)+".json")
	}
	if err := os.WriteFile(path, []byte(data), 0o666); err != nil {
		return fmt.Errorf("%s: fatal error C1083: Cannot open source dependencies file: '%s'", src, path)
	}
	return nil
}

// pchEnd returns the number of leading lines the precompiled header
// covers: through the #include of the header (or #pragma hdrstop).
func (c *call) pchEnd(lines []string) (int, bool) {
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "#pragma hdrstop") {
			return i + 1, true
		}
		if name, ok := includeName(t); ok && c.pchHeader != "" && strings.EqualFold(filepath.Base(name), filepath.Base(c.pchHeader)) {
			return i + 1, true
		}
	}
	return 0, false
}

// preprocess hashes lines of file and, recursively, the files they
// include, reporting each as /showIncludes does.
func (c *call) preprocess(file string, lines []string, dir string, depth int, h io.Writer, seen *[]string, stdout io.Writer) error {
	for _, l := range lines {
		name, ok := includeName(strings.TrimSpace(l))
		if !ok {
			io.WriteString(h, l)
			continue
		}
		path := c.find(name, dir, strings.Contains(l, `"`))
		if path == "" {
			return fmt.Errorf("%s(1): fatal error C1083: Cannot open include file: '%s': No such file or directory", file, name)
		}
		if c.showIncludes {
			fmt.Fprintf(stdout, "Note: including file: %s%s\n", strings.Repeat(" ", depth), path)
		}
		*seen = append(*seen, path)
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "include %s\n", filepath.Base(path))
		if err := c.preprocess(path, strings.SplitAfter(string(data), "\n"), filepath.Dir(path), depth+1, h, seen, stdout); err != nil {
			return err
		}
	}
	return nil
}

// includeName returns the file an #include line names.
func includeName(line string) (string, bool) {
	rest, ok := strings.CutPrefix(line, "#include")
	if !ok {
		return "", false
	}
	rest = strings.TrimSpace(rest)
	if len(rest) < 2 {
		return "", false
	}
	end := map[byte]byte{'"': '"', '<': '>'}[rest[0]]
	if end == 0 {
		return "", false
	}
	i := strings.IndexByte(rest[1:], end)
	if i < 0 {
		return "", false
	}
	return rest[1 : 1+i], true
}

// find searches for an include file as cl does: a quoted name beside the
// including file first, then /I, then INCLUDE.
func (c *call) find(name, dir string, quoted bool) string {
	var dirs []string
	if quoted {
		dirs = append(dirs, dir)
	}
	dirs = append(dirs, c.includeDirs...)
	dirs = append(dirs, filepath.SplitList(os.Getenv("INCLUDE"))...)
	for _, d := range dirs {
		p := filepath.Join(d, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			abs, _ := filepath.Abs(p)
			return abs
		}
	}
	return ""
}

// writePDB adds the object's record to the shared PDB. Without /FS a PDB
// another process holds open cannot be written (C1041); the fake holds it
// for a moment so that two compiles can meet there.
func (c *call) writePDB(pdb, obj string, content []byte) error {
	flags := os.O_RDWR | os.O_CREATE
	if !c.sharedPDB {
		// The lock file stands for cl's exclusive open of the PDB.
		l, err := os.OpenFile(pdb+".fakecl-lock", os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o666)
		if err != nil {
			return err
		}
		defer os.Remove(pdb + ".fakecl-lock")
		defer l.Close()
		time.Sleep(20 * time.Millisecond)
	}
	f, err := os.OpenFile(pdb, flags, 0o666)
	if err != nil {
		return err
	}
	defer f.Close()
	records := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), " "); ok {
			records[k] = v
		}
	}
	records[filepath.Base(obj)] = hex.EncodeToString(content)
	var b bytes.Buffer
	b.WriteString("FAKECL-PDB\n")
	for _, k := range sortedKeys(records) {
		if k != "FAKECL-PDB" {
			fmt.Fprintf(&b, "%s %s\n", k, records[k])
		}
	}
	if _, err := f.WriteAt(b.Bytes(), 0); err != nil {
		return err
	}
	return f.Truncate(int64(b.Len()))
}

// pchFields reads a precompiled header's "key value" lines.
func pchFields(data []byte) map[string]string {
	fields := map[string]string{}
	for _, l := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(l, " "); ok {
			fields[k] = v
		}
	}
	if _, ok := fields["debug"]; !ok {
		fields["debug"] = ""
	}
	return fields
}

// absPath returns p made absolute against dir.
func absPath(dir, p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(dir, p)
}

func sorted(s []string) []string {
	s = append([]string(nil), s...)
	sort.Strings(s)
	return s
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
