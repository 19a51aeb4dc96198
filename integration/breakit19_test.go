package integration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Regression tests for break-it round 19's finds, with real compilers;
// each fails on 851c099.

// TestSystemDirsHoweverGiven: a system directory reached through a link
// is spelled in the include list however the call names it (-Wp,
// -Xpreprocessor, -iwithprefix, a -specs file's *cpp:), and the user's own
// -fcanonical-system-headers does not undo it (r1, r1b, r2).
func TestSystemDirsHoweverGiven(t *testing.T) {
	gcc := requireTool(t, "gcc", "apt-get install -y gcc")
	for _, tc := range []struct {
		name string
		args func(sdk, work string) []string
	}{
		{"Wp isystem", func(s, _ string) []string { return []string{"-Wp,-isystem," + s + "/include"} }},
		{"Wp idirafter", func(s, _ string) []string { return []string{"-Wp,-idirafter," + s + "/include"} }},
		{"-Xpreprocessor", func(s, _ string) []string {
			return []string{"-Xpreprocessor", "-isystem", "-Xpreprocessor", s + "/include"}
		}},
		{"-iwithprefix", func(s, _ string) []string { return []string{"-iprefix", s + "/", "-iwithprefix", "include"} }},
		{"user's -fcanonical-system-headers", func(s, _ string) []string {
			return []string{"-isystem", s + "/include", "-fcanonical-system-headers"}
		}},
		{"specs file cpp", func(s, work string) []string {
			specs := filepath.Join(work, "sys.specs")
			os.WriteFile(specs, []byte("*cpp:\n+ -isystem "+s+"/include\n\n"), 0o666)
			return []string{"-specs=" + specs}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.write("sdk/v1/include/x.h", "#define X 1\n")
			e.write("sdk/v2/include/x.h", "#define X 2\n")
			e.write("src/a.c", "#include <x.h>\nint x = X;\n")
			link := filepath.Join(e.work, "sdk", "current")
			os.Symlink("v1", link)
			args := append([]string{gcc}, tc.args(link, e.work)...)
			args = append(args, "-c", "a.c", "-o", "a.o")
			src := filepath.Join(e.work, "src")
			sameAsAlone(t, e, src, "a.o", "ref.o", args...)
			os.Remove(link)
			os.Symlink("v2", link)
			sameAsAlone(t, e, src, "a.o", "ref.o", args...)
		})
	}
}

// relocatedGCC makes a copy of gcc's driver at dir/bin/gcc whose own
// directory (dir/lib/gcc/<triple>/<version>) has gcc's cc1 and an
// include/x.h defining X as x: a toolchain installed elsewhere, with
// headers of its own. It returns the driver and that directory.
func relocatedGCC(t *testing.T, e *env, gcc, dir, x string) (driver, libDir string) {
	t.Helper()
	real, err := filepath.EvalSymlinks(gcc)
	if err != nil {
		t.Fatal(err)
	}
	machine := strings.TrimSpace(e.run(gcc, "-dumpmachine").stdout)
	version := strings.TrimSpace(e.run(gcc, "-dumpversion").stdout)
	cc1 := strings.TrimSpace(e.run(gcc, "-print-prog-name=cc1").stdout)
	driver = filepath.Join(dir, "bin", "gcc")
	libDir = filepath.Join(dir, "lib", "gcc", machine, version)
	os.MkdirAll(filepath.Dir(driver), 0o777)
	os.MkdirAll(filepath.Join(libDir, "include"), 0o777)
	copyFile(t, real, driver)
	os.Symlink(cc1, filepath.Join(libDir, "cc1"))
	if x != "" {
		os.WriteFile(filepath.Join(libDir, "include", "x.h"), []byte("#define X \""+x+"\"\n"), 0o666)
	}
	e.lastWrite = timeNow()
	return driver, libDir
}

// TestRelocatedToolchains: two installations of the same gcc read their
// own default headers: a "current" link pointed at the other misses, as
// does running the other's driver (r3).
func TestRelocatedToolchains(t *testing.T) {
	gcc := requireTool(t, "gcc", "apt-get install -y gcc")
	e := newEnv(t)
	relocatedGCC(t, e, gcc, filepath.Join(e.work, "A"), "A")
	relocatedGCC(t, e, gcc, filepath.Join(e.work, "B"), "B")
	link := filepath.Join(e.work, "current")
	os.Symlink("A", link)
	e.write("src/a.c", "#include <x.h>\nconst char *x = X;\n")
	src := filepath.Join(e.work, "src")
	driver := filepath.Join(link, "bin", "gcc")
	sameAsAlone(t, e, src, "a.o", "ref.o", driver, "-c", "a.c", "-o", "a.o")
	os.Remove(link)
	os.Symlink("B", link)
	sameAsAlone(t, e, src, "a.o", "ref.o", driver, "-c", "a.c", "-o", "a.o")
	sameAsAlone(t, e, src, "a.o", "ref.o", filepath.Join(e.work, "A", "bin", "gcc"), "-c", "a.c", "-o", "a.o")
}

// TestDriversOwnSpecs: a specs file that appears in the driver's own
// directory changes the compiler (r4).
func TestDriversOwnSpecs(t *testing.T) {
	gcc := requireTool(t, "gcc", "apt-get install -y gcc")
	e := newEnv(t)
	driver, libDir := relocatedGCC(t, e, gcc, filepath.Join(e.work, "tc"), "")
	e.write("src/a.c", "#ifndef V\n#define V 1\n#endif\nint v = V;\n")
	src := filepath.Join(e.work, "src")
	sameAsAlone(t, e, src, "a.o", "ref.o", driver, "-c", "a.c", "-o", "a.o")
	os.WriteFile(filepath.Join(libDir, "specs"), []byte("*cpp:\n+ -DV=7\n\n"), 0o666)
	e.lastWrite = timeNow()
	sameAsAlone(t, e, src, "a.o", "ref.o", driver, "-c", "a.c", "-o", "a.o")
}

// TestSpecsFunctions: a specs file's %:getenv reads a variable no key
// holds: the call passes through (r5).
func TestSpecsFunctions(t *testing.T) {
	gcc := requireTool(t, "gcc", "apt-get install -y gcc")
	e := newEnv(t)
	specs := e.write("my.specs", "*cpp:\n+ -DV=%:getenv(MYV 0)\n\n")
	e.write("a.c", "int v = V;\n")
	e.setenv("MYV", "1")
	sameAsAlone(t, e, e.work, "a.o", "ref.o", gcc, "-specs="+specs, "-c", "a.c", "-o", "a.o")
	e.setenv("MYV", "2")
	sameAsAlone(t, e, e.work, "a.o", "ref.o", gcc, "-specs="+specs, "-c", "a.c", "-o", "a.o")
}

// TestLLVMOptionValueApart: -mllvm -dfsan-abilist -mllvm abi.txt reads
// abi.txt as -dfsan-abilist=abi.txt does (r6).
func TestLLVMOptionValueApart(t *testing.T) {
	clang := requireTool(t, "clang-14", "apt-get install -y clang-14")
	e := newEnv(t)
	e.write("a.c", "int g(int);\nint f(int x) { return g(x) + 1; }\n")
	e.write("abi.txt", "\n")
	args := []string{clang, "-fsanitize=dataflow", "-mllvm", "-dfsan-abilist", "-mllvm", "abi.txt", "-c", "a.c", "-o", "a.o"}
	sameAsAlone(t, e, e.work, "a.o", "ref.o", args...)
	e.write("abi.txt", "fun:g=uninstrumented\nfun:g=discard\n")
	sameAsAlone(t, e, e.work, "a.o", "ref.o", args...)
}
