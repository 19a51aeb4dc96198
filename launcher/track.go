package launcher

import "os"

// MSBuild's file tracker (TrackFileAccess, on by default) logs the files
// each compile opens, and an incremental build recompiles a source when one
// of them changed. A hit that only stats its include files (or finds them
// in a stat record) opens none of them, and the next build would not see a
// header edit. With track_includes a hit opens the source and every include
// file of the entry it matched for reading, as the compile would have
// (clcache #227 and #319: turning tracking off instead breaks incremental
// builds).

// openInputs opens and closes the source, the extra inputs and the include
// files of the matched manifest entry. A file that cannot be opened is
// skipped: the lookup just found each as recorded, and a failure here
// changes nothing the hit returns.
func (u *unit) openInputs() {
	paths := append([]string{u.source}, u.inputs...)
	for _, inc := range u.matched {
		if inc.Path != sourceDateEpochPath {
			paths = append(paths, inc.Path)
		}
	}
	for _, p := range paths {
		if f, err := os.Open(u.absPath(p)); err == nil {
			f.Close()
		}
	}
}
