package integration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Regression tests for break-it round 21's finds that are fixed; each
// fails on b3d956b.

// TestProgramAppearsEarlier: gcc runs the first cc1 and the first as it
// finds in its program directories (as before PATH); one put later in a
// directory searched before the one in use takes over, and must miss.
func TestProgramAppearsEarlier(t *testing.T) {
	gcc := requireTool(t, "gcc", "apt-get install -y gcc")
	for _, program := range []string{"cc1", "as"} {
		t.Run(program, func(t *testing.T) {
			e := newEnv(t)
			real, err := filepath.EvalSymlinks(gcc)
			if err != nil {
				t.Fatal(err)
			}
			machine := strings.TrimSpace(e.run(gcc, "-dumpmachine").stdout)
			version := strings.TrimSpace(e.run(gcc, "-dumpversion").stdout)
			cc1 := strings.TrimSpace(e.run(gcc, "-print-prog-name=cc1").stdout)
			tc := filepath.Join(e.work, "tc")
			driver := filepath.Join(tc, "bin", "gcc")
			machineDir := filepath.Join(tc, "lib", "gcc", machine)
			versionDir := filepath.Join(machineDir, version)
			os.MkdirAll(filepath.Dir(driver), 0o777)
			os.MkdirAll(versionDir, 0o777)
			copyFile(t, real, driver)
			// cc1 in the machine directory, searched after the version one.
			os.Symlink(cc1, filepath.Join(machineDir, "cc1"))
			// The identity record is kept only for files whose stat data
			// is old enough to stand for their content (statTrustAge).
			time.Sleep(2100 * time.Millisecond)
			e.write("src/a.c", "#ifndef V\n#define V 1\n#endif\nint v = V;\n")
			src := filepath.Join(e.work, "src")
			sameAsAlone(t, e, src, "a.o", "ref.o", driver, "-c", "a.c", "-o", "a.o")
			sameAsAlone(t, e, src, "a.o", "ref.o", driver, "-c", "a.c", "-o", "a.o")
			var wrapper string
			switch program {
			case "cc1":
				wrapper = "#!/bin/sh\nexec " + cc1 + " \"$@\" -DV=2\n"
			case "as":
				wrapper = "#!/bin/sh\nfor a; do last=$a; done\nprintf '\\t.section .extra,\"a\"\\n\\t.byte 42\\n' >> \"$last\"\nexec as \"$@\"\n"
			}
			os.WriteFile(filepath.Join(versionDir, program), []byte(wrapper), 0o777)
			e.lastWrite = timeNow()
			sameAsAlone(t, e, src, "a.o", "ref.o", driver, "-c", "a.c", "-o", "a.o")
			e.wantStats(map[string]int64{"hits": 1, "misses": 2})
		})
	}
}
