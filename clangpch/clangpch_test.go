package clangpch

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// buildPCH writes a header that includes another, precompiles it with
// clang-14 and the extra arguments, and returns the PCH's bytes and the
// two headers' paths.
func buildPCH(t *testing.T, extra ...string) ([]byte, string, string) {
	t.Helper()
	clang, err := exec.LookPath("clang-14")
	if err != nil {
		t.Skip("clang-14 not installed")
	}
	dir := t.TempDir()
	top, sub := filepath.Join(dir, "top.h"), filepath.Join(dir, "sub.h")
	if err := os.WriteFile(sub, []byte("int sub_value;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(top, []byte("#include \"sub.h\"\nint top_value;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	old := time.Unix(1700000000, 0)
	for _, f := range []string{top, sub} {
		if err := os.Chtimes(f, old, old); err != nil {
			t.Fatal(err)
		}
	}
	pch := filepath.Join(dir, "top.h.pch")
	args := append([]string{"-x", "c-header", top, "-o", pch}, extra...)
	if out, err := exec.Command(clang, args...).CombinedOutput(); err != nil {
		t.Fatalf("clang %q: %v\n%s", args, err, out)
	}
	data, err := os.ReadFile(pch)
	if err != nil {
		t.Fatal(err)
	}
	return data, top, sub
}

func TestReadInputs(t *testing.T) {
	for _, tc := range []struct {
		name  string
		extra []string
		mtime uint64
	}{
		{"timestamps", nil, 1700000000},
		{"no-pch-timestamp", []string{"-Xclang", "-fno-pch-timestamp"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data, top, sub := buildPCH(t, tc.extra...)
			info, err := Read(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			if info.Major != KnownMajor || info.Imports {
				t.Errorf("major %d imports %v, want %d false", info.Major, info.Imports, KnownMajor)
			}
			want := []Input{{Name: sub, Size: 15, ModTime: tc.mtime}, {Name: top, Size: 32, ModTime: tc.mtime}}
			if len(info.Inputs) != len(want) {
				t.Fatalf("inputs %+v, want %+v", info.Inputs, want)
			}
			for i := range want {
				if info.Inputs[i] != want[i] {
					t.Errorf("input %d: %+v, want %+v", i, info.Inputs[i], want[i])
				}
			}
		})
	}
}

// TestReadChained sees a PCH built on another one.
func TestReadChained(t *testing.T) {
	data, top, _ := buildPCH(t)
	dir := filepath.Dir(top)
	first := filepath.Join(dir, "top.h.pch")
	if err := os.WriteFile(first, data, 0o644); err != nil {
		t.Fatal(err)
	}
	second := filepath.Join(dir, "second.h")
	if err := os.WriteFile(second, []byte("int second_value;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := second + ".pch"
	if msg, err := exec.Command("clang-14", "-x", "c-header", "-include-pch", first, second, "-o", out).CombinedOutput(); err != nil {
		t.Fatalf("clang: %v\n%s", err, msg)
	}
	chained, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	info, err := Read(bytes.NewReader(chained))
	if err != nil {
		t.Fatal(err)
	}
	if !info.Imports {
		t.Error("chained PCH: Imports not set")
	}
}

// TestReadDamaged: every truncation of a real PCH, and other files, give
// an error, never a panic or a partial answer.
func TestReadDamaged(t *testing.T) {
	data, _, _ := buildPCH(t)
	info, err := Read(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	complete := len(info.Inputs)
	for n := 0; n < len(data) && n < 4096; n++ {
		info, err := Read(bytes.NewReader(data[:n]))
		if err == nil && len(info.Inputs) != complete {
			t.Fatalf("truncated to %d bytes: %d inputs and no error", n, len(info.Inputs))
		}
	}
	for _, bad := range [][]byte{nil, []byte("gpch013"), []byte("CPCH"), bytes.Repeat([]byte{0xff}, 64)} {
		if _, err := Read(bytes.NewReader(bad)); err == nil {
			t.Errorf("Read(%q) succeeded", bad)
		}
	}
	if _, err := Read(bytes.NewReader([]byte("gpch013"))); !errors.Is(err, ErrNotPCH) {
		t.Errorf("gcc PCH: %v, want ErrNotPCH", err)
	}
	flipped := bytes.Clone(data)
	for i := 4; i < len(flipped) && i < 2048; i += 7 {
		flipped[i] ^= 0x5a
		Read(bytes.NewReader(flipped)) // must not panic
		flipped[i] ^= 0x5a
	}
}
