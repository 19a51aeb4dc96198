package basedir

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestRel(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix paths")
	}
	tests := []struct {
		name   string
		dirs   []string
		cwd    string
		path   string
		fold   bool
		want   string
		wantOK bool
	}{
		{"source beside build dir", []string{"/ci/job1"}, "/ci/job1/build", "/ci/job1/src/a.c", false, "../src/a.c", true},
		{"under cwd", []string{"/ci"}, "/ci/job1", "/ci/job1/include", false, "include", true},
		{"cwd itself", []string{"/ci"}, "/ci/job1/build", "/ci/job1/build", false, ".", true},
		{"outside base dirs", []string{"/ci"}, "/ci/job1", "/usr/include/stdio.h", false, "/usr/include/stdio.h", false},
		{"relative stays", []string{"/ci"}, "/ci/job1", "src/a.c", false, "src/a.c", false},
		{"prefix is not a parent", []string{"/ci/job"}, "/ci/job1", "/ci/job1/a.c", false, "/ci/job1/a.c", false},
		{"longest base dir wins", []string{"/ci", "/ci/job1/sub"}, "/ci/job1/sub/build", "/ci/job1/sub/a.c", false, "../a.c", true},
		{"case differs, no fold", []string{"/CI"}, "/ci/job1", "/ci/job1/a.c", false, "/ci/job1/a.c", false},
		{"case differs, fold", []string{"/CI/Job1"}, "/ci/job1/build", "/ci/JOB1/src/a.c", true, "../src/a.c", true},
		{"backslashes are part of names on Unix", []string{"/ci/job1"}, "/ci/job1/build", `/ci\job1\src\a.c`, true, `/ci\job1\src\a.c`, false},
		{"no base dirs", nil, "/ci/job1", "/ci/job1/a.c", false, "/ci/job1/a.c", false},
		{"shares only the root", []string{"/ci"}, "/home/me/build", "/ci/job1/a.c", false, "/ci/job1/a.c", false},
		{"the root as base dir", []string{"/"}, "/home/me/build", "/home/me/src/a.c", false, "../src/a.c", true},
		{"the root, written twice", []string{"//"}, "/home/me/build", "/home/me/build/a.c", false, "a.c", true},
		{"the root shares only the root", []string{"/"}, "/home/me/build", "/usr/include/stdio.h", false, "/usr/include/stdio.h", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := New(tt.dirs, tt.cwd, tt.fold).Rel(tt.path)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("Rel(%q) = %q, %v; want %q, %v", tt.path, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

// TestRelNormalizes: //, /./ and dir/.. (dir a real directory) name one
// directory one way; a link's .. is left alone, for it leads elsewhere.
func TestRelNormalizes(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix paths")
	}
	root := t.TempDir()
	if r, err := filepath.EvalSymlinks(root); err == nil {
		root = r
	}
	for _, d := range []string{"build", "include", "subdir", "other/deep"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("other/deep", filepath.Join(root, "link")); err != nil {
		t.Fatal(err)
	}
	cwd := filepath.Join(root, "build")
	tests := []struct{ path, want string }{
		{root + "/include", "../include"},
		{root + "//./subdir/../include", "../include"},
		{root + "/./include/.", "../include"},
		{root + "/include/", "../include"},
		{root + "/subdir/../../" + filepath.Base(root) + "/include", "../include"},
		{root + "/link/../include", "../link/../include"}, // link/.. is other/, not root
		{root + "/missing/../include", "../missing/../include"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			got, ok := New([]string{root}, cwd, false).Rel(tt.path)
			if got != tt.want || !ok {
				t.Errorf("Rel(%q) = %q, %v; want %q, true", tt.path, got, ok, tt.want)
			}
		})
	}
}

// TestEncodeDecodeAcrossCheckouts stores text written in one checkout and
// replays it in another: every absolute path under the base dir names the
// second checkout's file, everything else is unchanged.
func TestEncodeDecodeAcrossCheckouts(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix paths")
	}
	tests := []struct {
		name       string
		dirs       []string
		fold       bool
		cwd1, cwd2 string
		text, want string
	}{
		{"depfile", []string{"/ci"}, false, "/ci/job1/build", "/ci/job2/build",
			"a.o: /ci/job1/src/a.c /ci/job1/include/x.h \\\n /usr/include/stdio.h\n",
			"a.o: /ci/job2/src/a.c /ci/job2/include/x.h \\\n /usr/include/stdio.h\n"},
		{"gcc diagnostic", []string{"/ci/job1", "/ci/job2"}, false, "/ci/job1", "/ci/job2",
			"/ci/job1/src/a.c:3:5: warning: unused variable 'x'\n",
			"/ci/job2/src/a.c:3:5: warning: unused variable 'x'\n"},
		{"cl diagnostic", []string{"/ci"}, true, "/ci/job1/build", "/ci/job2/build",
			"/CI/Job1/src/a.c(3): warning C4101: 'x': unreferenced local variable\n",
			"/ci/job2/src/a.c(3): warning C4101: 'x': unreferenced local variable\n"},
		{"showIncludes", []string{"/ci"}, true, "/ci/job1/build", "/ci/job2/build",
			"Note: including file:  /ci/job1/include/x.h\nNote: including file:   /usr/include/y.h\n",
			"Note: including file:  /ci/job2/include/x.h\nNote: including file:   /usr/include/y.h\n"},
		{"escaped space", []string{"/ci"}, false, "/ci/job1", "/ci/job2",
			"a.o: /ci/job1/my\\ dir/x.h\n", "a.o: /ci/job2/my\\ dir/x.h\n"},
		{"different depth of the build dir", []string{"/ci"}, false, "/ci/job1/b/c", "/ci/job2/b/c",
			"/ci/job1/src/a.c\n", "/ci/job2/src/a.c\n"},
		{"not at a token start", []string{"/ci"}, false, "/ci/job1", "/ci/job2",
			"x/ci/job1/a.c\n", "x/ci/job1/a.c\n"},
		{"nothing to do", []string{"/ci"}, false, "/ci/job1", "/ci/job2",
			"a.o: a.c x.h\n", "a.o: a.c x.h\n"},
		// The compiler names files through a "//" as given (break-it
		// round 14: a hit wrote one "/").
		{"double slash in the shared part", []string{"/ci"}, false, "/ci/job1/build", "/ci/job2/build",
			"a.o: /ci/job1//build/../inc/y.h\n", "a.o: /ci/job2//build/../inc/y.h\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stored := New(tt.dirs, tt.cwd1, tt.fold).Encode([]byte(tt.text))
			if got := string(Decode(stored, tt.cwd2)); got != tt.want {
				t.Errorf("replayed in %s:\n%q\nwant\n%q\n(stored %q)", tt.cwd2, got, tt.want, stored)
			}
			if got := string(Decode(stored, tt.cwd1)); got != tt.text && tt.name != "cl diagnostic" {
				t.Errorf("replayed where it was stored:\n%q\nwant\n%q", got, tt.text)
			}
		})
	}
}

// TestEncodeColouredText: a path right after a colour sequence is a path.
func TestEncodeColouredText(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix paths")
	}
	text := "\x1b[1m/ci/job1/inc/w.h:1:33: \x1b[0m\x1b[0;1;35mwarning: \x1b[0m\x1b[1m/ci/job1/src/a.c\x1b[m\x1b[K\n"
	enc := New([]string{"/ci"}, "/ci/job1/build", false).Encode([]byte(text))
	want := "\x1b[1m/ci/job2/inc/w.h:1:33: \x1b[0m\x1b[0;1;35mwarning: \x1b[0m\x1b[1m/ci/job2/src/a.c\x1b[m\x1b[K\n"
	if got := string(Decode(enc, "/ci/job2/build")); got != want {
		t.Errorf("Decode(Encode(%q)) = %q, want %q", text, got, want)
	}
}

func TestDecodeLeavesForeignNULs(t *testing.T) {
	for _, text := range []string{"a\x00b", "\x00OBJCACHE_UP_x\x00/a", "\x00OBJCACHE_UP_3"} {
		if got := string(Decode([]byte(text), filepath.FromSlash("/ci/job"))); got != text {
			t.Errorf("Decode(%q) = %q", text, got)
		}
	}
}

// TestRelThroughSymlinkedCwd: in a build directory that is a symbolic link
// elsewhere, "../src/a.c" would leave from the link's target, so a path is
// made relative only where the relative form names the same file, from the
// physical directory if not from the apparent one.
func TestRelThroughSymlinkedCwd(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	root := t.TempDir()
	for _, d := range []string{"checkout/src", "checkout/inc", "elsewhere/build"} {
		os.MkdirAll(filepath.Join(root, d), 0o777)
	}
	os.WriteFile(filepath.Join(root, "checkout", "src", "a.c"), nil, 0o666)
	build := filepath.Join(root, "checkout", "build")
	if err := os.Symlink(filepath.Join(root, "elsewhere", "build"), build); err != nil {
		t.Fatal(err)
	}
	m := New([]string{root}, build, false)
	// "../src/a.c" from the apparent directory would open elsewhere/src/a.c;
	// the path relative to the physical directory, where the kernel starts,
	// names the file.
	if got, ok := m.Rel(filepath.Join(root, "checkout", "src", "a.c")); ok && got != filepath.FromSlash("../../checkout/src/a.c") {
		t.Errorf("Rel through a symlinked cwd = %q: the compiler would open %s", got, filepath.Join(root, "elsewhere", filepath.Clean(got)))
	}
	// A file that the relative path does reach is still rewritten.
	os.WriteFile(filepath.Join(root, "elsewhere", "build", "gen.h"), nil, 0o666)
	if got, ok := m.Rel(filepath.Join(build, "gen.h")); !ok || got != "gen.h" {
		t.Errorf("Rel(gen.h in the cwd) = %q, %v; want gen.h", got, ok)
	}
	// Without the link, the same layout is rewritten.
	plain := New([]string{root}, filepath.Join(root, "checkout", "inc"), false)
	if got, ok := plain.Rel(filepath.Join(root, "checkout", "src", "a.c")); !ok || got != filepath.Join("..", "src", "a.c") {
		t.Errorf("Rel without a link = %q, %v", got, ok)
	}
}

// TestFoldsCase: a file system that keeps case (the temporary directory on
// Linux) does not fold, so /Proj/inc is never rewritten as if it were
// /proj/inc (issue 12, item 2); on Windows (NTFS, or Wine's view of the
// host) names fold.
func TestFoldsCase(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "Proj")
	if err := os.Mkdir(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	want := runtime.GOOS == "windows"
	if got := FoldsCase(dir); got != want {
		t.Errorf("FoldsCase(%s) = %v, want %v on %s", dir, got, want, runtime.GOOS)
	}
	if runtime.GOOS != "windows" {
		// A twin directory that differs in case only is another directory.
		if err := os.Mkdir(filepath.Join(filepath.Dir(dir), "pROJ"), 0o777); err != nil {
			t.Fatal(err)
		}
		if FoldsCase(dir) {
			t.Errorf("FoldsCase(%s) with a twin pROJ beside it = true", dir)
		}
	}
	if FoldsCase(filepath.Join(dir, "missing")) {
		t.Error("FoldsCase of a missing directory = true")
	}
}

// TestRelFromEitherSideOfALink: in a working directory reached through a
// link, a path written through the physical directory ($(CURDIR)) and one
// written through the apparent one ($PWD) get the same relative form
// (ccache suite, basedir: "Symlinked build dir inside source dir").
func TestRelFromEitherSideOfALink(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "run.real", "dir", "src"), 0o777)
	os.MkdirAll(filepath.Join(root, "run.real", "dir", "include"), 0o777)
	os.WriteFile(filepath.Join(root, "run.real", "dir", "src", "test.c"), nil, 0o666)
	if err := os.Symlink(filepath.Join(root, "run.real"), filepath.Join(root, "run")); err != nil {
		t.Fatal(err)
	}
	m := New([]string{"/"}, filepath.Join(root, "run", "dir", "src"), false)
	tests := []struct{ path, want string }{
		{filepath.Join(root, "run", "dir", "src", "test.c"), "test.c"},
		{filepath.Join(root, "run.real", "dir", "src", "test.c"), "test.c"},
		{filepath.Join(root, "run", "dir", "src", "..", "include"), filepath.FromSlash("../include")},
		{filepath.Join(root, "run.real", "dir", "src", "..", "include"), filepath.FromSlash("../include")},
	}
	for _, tt := range tests {
		if got, ok := m.Rel(tt.path); !ok || got != tt.want {
			t.Errorf("Rel(%s) = %q, %v; want %q", tt.path, got, ok, tt.want)
		}
	}
}

func TestPlace(t *testing.T) {
	root := "/"
	if runtime.GOOS == "windows" {
		root = `C:\`
	}
	abs := func(p string) string { return filepath.Join(root, filepath.FromSlash(p)) }
	tests := []struct {
		dirs []string
		cwd  string
		want string
	}{
		{[]string{abs("ci")}, abs("ci/job1/src/lib"), "base:job1/src/lib"},
		{[]string{abs("ci/job1")}, abs("ci/job1/src/lib"), "base:src/lib"},
		{[]string{abs("ci/job1")}, abs("ci/job1"), "base:"},
		{[]string{abs("ci/job1")}, abs("home/me/src"), abs("home/me/src")},
	}
	for _, tt := range tests {
		if got := New(tt.dirs, tt.cwd, false).Place(tt.cwd); got != tt.want {
			t.Errorf("Place(%q) with base dirs %q = %q, want %q", tt.cwd, tt.dirs, got, tt.want)
		}
	}
	if got := (*Mapper)(nil).Place("/x"); got != "/x" {
		t.Errorf("nil Mapper: Place = %q", got)
	}
}

func TestUnderResolved(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need a privilege on Windows, and gcc's real-path names are a Unix matter")
	}
	root := t.TempDir()
	real := filepath.Join(root, "r")
	if err := os.MkdirAll(filepath.Join(real, "ws"), 0o777); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(root, "logical")
	if err := os.Symlink(real, link); err != nil {
		t.Skip(err)
	}
	m := New([]string{filepath.Join(link, "ws")}, filepath.Join(link, "ws", "A"), false)
	for p, want := range map[string]bool{
		filepath.Join(real, "ws", "A", "inc", "x.h"): true,
		filepath.Join(real, "ws"):                    true,
		filepath.Join(real, "wsx", "x.h"):            false,
		filepath.Join(link, "ws", "A", "x.h"):        false, // as written: Rel's
		"/usr/include/stdio.h":                       false,
	} {
		if got := m.UnderResolved(p); got != want {
			t.Errorf("UnderResolved(%q) = %v, want %v", p, got, want)
		}
	}
	if !m.MentionsResolved([]byte("a.o: " + filepath.Join(real, "ws", "B", "x.h") + "\n")) {
		t.Error("MentionsResolved misses a real-path name")
	}
}
