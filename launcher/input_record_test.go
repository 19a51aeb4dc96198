package launcher

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/objcache/objcache/cache"
	"github.com/objcache/objcache/compiler"
	"github.com/objcache/objcache/digest"
)

func TestRecordEncoding(t *testing.T) {
	leading := []compiler.LeadingInclude{
		{Kind: compiler.IncludeQuote, Name: "config.h"}, {Kind: compiler.IncludeAngle, Name: "sys/x.h"},
		{Kind: compiler.IncludeComputed}, {Kind: compiler.IncludePragma, Name: "./p.h.gch"},
	}
	none := []compiler.LeadingInclude{}
	entries := map[string]statEntry{
		"/a/b.h":  {dev: 1, ino: 2, size: 3, mtime: 4, ctime: 5, hash: digest.Of([]byte("x"))},
		"/c.h":    {dev: 9, ino: 1 << 40, size: 0, mtime: 1 << 60, ctime: 7, timeMacro: compiler.DateTime | compiler.Timestamp, asm: asmIncbin | asmIncludeBare},
		"/src.c":  {dev: 3, ino: 4, size: 5, mtime: 6, ctime: 7, leading: &leading, asm: asmIncludeQuoted},
		"/bare.c": {dev: 3, ino: 5, leading: &none},
	}
	data := encodeRecord(entries)
	got, err := decodeRecord(data)
	if err != nil || !reflect.DeepEqual(got, entries) {
		t.Fatalf("decode = %+v, %v\nwant %+v", got, err, entries)
	}
	for i := range data {
		bad := append([]byte(nil), data...)
		bad[i] ^= 0x20
		if _, err := decodeRecord(bad); err == nil {
			t.Fatalf("a flipped byte at %d went unnoticed", i)
		}
	}
	if _, err := decodeRecord(data[:len(data)-1]); err == nil {
		t.Error("a truncated record went unnoticed")
	}
}

// TestRecordSkipsReads: a second hasher with the record of the first knows
// an unchanged file without reading it, and reads it again when it changed,
// even with its size and mtime put back.
func TestRecordSkipsReads(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.h")
	store, rs := testStore(t, dir)
	mkey := digest.Of([]byte("manifest"))
	putManifest(t, store, mkey)
	record := func() []byte {
		t.Helper()
		_, rec, err := store.LookupManifest(context.Background(), mkey)
		if err != nil {
			t.Fatal(err)
		}
		return rec
	}
	os.WriteFile(path, []byte("#define A 1\n"), 0o666)
	// A start well after the file's times makes it old enough to record.
	start := time.Now().Add(3 * statTrustAge)

	h1 := newInputHasher(start)
	h1.loadRecord(mkey, record())
	st1 := h1.file(path)
	if st1.err != nil || !h1.dirty {
		t.Fatalf("first hash: %v, dirty %v", st1.err, h1.dirty)
	}
	h1.saveRecord(rs)
	if record() == nil {
		t.Fatal("no record was written beside the manifest")
	}

	h2 := newInputHasher(start)
	h2.loadRecord(mkey, record())
	if st2 := h2.file(path); st2.hash != st1.hash || h2.dirty {
		t.Fatalf("with the record: hash %s (want %s), dirty %v (want false: nothing read)", st2.hash, st1.hash, h2.dirty)
	}

	// Same size, mtime put back: the ctime still tells.
	fi, _ := os.Stat(path)
	time.Sleep(10 * time.Millisecond)
	os.WriteFile(path, []byte("#define A 2\n"), 0o666)
	os.Chtimes(path, fi.ModTime(), fi.ModTime())
	h3 := newInputHasher(start)
	h3.loadRecord(mkey, record())
	if st3 := h3.file(path); st3.hash == st1.hash || st3.hash != digest.Of([]byte("#define A 2\n")) {
		t.Errorf("a changed file was taken from the record")
	}

	// A file too young is neither recorded nor marks the record dirty.
	h4 := newInputHasher(time.Now())
	h4.file(path)
	if h4.dirty {
		t.Error("a file changed just now made the record dirty")
	}
}

// TestStatRecordNeedsItsManifest: a record is written only beside its
// manifest, counted in the section, and goes when the manifest goes.
func TestStatRecordNeedsItsManifest(t *testing.T) {
	dir := t.TempDir()
	store, _ := testStore(t, dir)
	ctx := context.Background()
	mkey := digest.Of([]byte("manifest"))
	if err := store.PutStatRecord(ctx, mkey, []byte("record")); err != nil {
		t.Fatal(err)
	}
	if u, _ := store.Usage(ctx); u.Bytes != 0 {
		t.Fatalf("a record without its manifest was stored: usage %+v", u)
	}
	putManifest(t, store, mkey)
	before, _ := store.Usage(ctx)
	if err := store.PutStatRecord(ctx, mkey, []byte("record")); err != nil {
		t.Fatal(err)
	}
	if u, _ := store.Usage(ctx); u.Files != before.Files || u.Bytes != before.Bytes+6 {
		t.Fatalf("the record is not counted: usage %+v after %+v", u, before)
	}
	if total, _ := store.Total(ctx); total != (cache.SectionUsage{Bytes: before.Bytes + 6, Files: before.Files}) {
		t.Fatalf("the ledger says %+v", total)
	}
	err := store.UpdateManifest(ctx, mkey, digest.Sum{}, func([]byte, *cache.ManifestTx) ([]byte, error) { return nil, nil })
	if err != nil {
		t.Fatal(err)
	}
	if u, _ := store.Usage(ctx); u != (cache.SectionUsage{}) {
		t.Errorf("after the manifest went the sections hold %+v", u)
	}
	if total, _ := store.Total(ctx); total != (cache.SectionUsage{}) {
		t.Errorf("after the manifest went the ledger says %+v", total)
	}
}

// TestSourceRecord: the source's own record is written once the source is
// old enough, used while its stat data hold, and not trusted once they
// change.
func TestSourceRecord(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "a.c")
	store, rs := testStore(t, dir)
	os.WriteFile(src, []byte("int a;\n"), 0o666)
	start := time.Now().Add(3 * statTrustAge)
	st1 := newInputHasher(start).sourceFile(src, rs)
	data := store.SourceRecord(src, 0)
	if data == nil || st1.err != nil {
		t.Fatalf("no record written (%v)", st1.err)
	}
	// Damage the source without changing its size or mtime, behind the
	// record's back: the record is used as long as the stat data hold...
	rec, _ := decodeRecord(data)
	e := rec[src]
	e.hash = digest.Of([]byte("recorded"))
	rs.putSourceRecord(src, encodeRecord(map[string]statEntry{src: e}))
	if st := newInputHasher(start).sourceFile(src, rs); st.hash != e.hash {
		t.Errorf("the record was not used")
	}
	// ...and not once they change.
	fi, _ := os.Stat(src)
	time.Sleep(10 * time.Millisecond)
	os.WriteFile(src, []byte("int b;\n"), 0o666)
	os.Chtimes(src, fi.ModTime(), fi.ModTime())
	if st := newInputHasher(start).sourceFile(src, rs); st.hash != digest.Of([]byte("int b;\n")) {
		t.Errorf("a changed source was taken from its record")
	}
	// A read-only call reads records and writes none.
	ro := rs
	ro.readOnly = true
	other := filepath.Join(dir, "b.c")
	os.WriteFile(other, []byte("int c;\n"), 0o666)
	newInputHasher(start).sourceFile(other, ro)
	if store.SourceRecord(other, 0) != nil {
		t.Error("a read-only call wrote a source record")
	}
}

// putManifest stores a one-entry manifest under mkey (with no object: the
// manifest only has to exist).
func putManifest(t *testing.T, store *cache.Store, mkey digest.Sum) {
	t.Helper()
	err := store.UpdateManifest(context.Background(), mkey, digest.Sum{}, func([]byte, *cache.ManifestTx) ([]byte, error) {
		return []byte("manifest"), nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// testStore opens a store in dir and the record store a call would use.
func testStore(t *testing.T, dir string) (*cache.Store, recordStore) {
	t.Helper()
	store, err := cache.Open(dir, cache.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return store, recordStore{store: store, lockTimeout: time.Minute}
}
