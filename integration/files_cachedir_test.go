//go:build linux

package integration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestFilesForeignCacheDir points OBJCACHE_DIR at a user's directory,
// which holds files of its own (among them names of the cache's layout,
// and a file in tmp/ older than an hour, which clean sweeps from a cache)
// and no CACHEDIR.TAG. verify --repair, clean and clear must refuse with a
// one-line error and leave every file; a compile must build, as the
// compiler alone, without making the directory a cache. objcache used to
// make its layout there and delete what looked like its own.
func TestFilesForeignCacheDir(t *testing.T) {
	requireTool(t, "gcc", "apt-get install -y gcc")
	e := newEnv(t)
	user := filepath.Join(e.work, "mydir")
	for name, content := range map[string]string{"notes.txt": "mine\n", "tmp/draft.txt": "old draft\n", "objects/ab/list": "mine too\n"} {
		p := filepath.Join(user, name)
		os.MkdirAll(filepath.Dir(p), 0o777)
		writeFile(t, p, content, 0o644)
		old := time.Now().Add(-3 * time.Hour)
		os.Chtimes(p, old, old)
	}
	e.setenv("OBJCACHE_DIR", user)
	want := treeState(t, user)
	for _, cmd := range [][]string{{"verify", "--repair"}, {"clean"}, {"clear"}} {
		o := e.objcache(cmd...)
		if o.code == 0 || strings.Count(strings.TrimSpace(o.stderr), "\n") != 0 || !strings.Contains(o.stderr, "not an objcache cache") {
			t.Errorf("objcache %s: %v\nwant a failure with a one-line error saying it is not a cache", cmd, o)
		}
		if got := treeState(t, user); got != want {
			t.Fatalf("after objcache %s:\n%s\nwant, as before:\n%s", cmd, got, want)
		}
	}
	e.write("t.c", "int x = 1;\n")
	if o := e.run("gcc", "-c", "t.c", "-o", "ref.o"); o.code != 0 {
		t.Fatal(o)
	}
	o := e.objcache("gcc", "-c", "t.c", "-o", "t.o")
	if o.code != 0 || o.stderr != "" || e.read("t.o") != e.read("ref.o") {
		t.Errorf("compile: %v", o)
	}
	if got := treeState(t, user); got != want {
		t.Errorf("after a compile:\n%s\nwant, as before:\n%s", got, want)
	}
	if log := e.read("../objcache.log"); !strings.Contains(log, "not an objcache cache") {
		t.Errorf("the log does not say why the cache is not used:\n%s", log)
	}
}
