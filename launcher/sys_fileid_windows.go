package launcher

import (
	"os"
	"unsafe"

	"golang.org/x/sys/windows"
)

// fileID is empty: os.FileInfo carries no file index on Windows (the
// compiler's identity record keys on size and times alone).
func fileID(os.FileInfo) string { return "" }

// fileKey reports false: os.FileInfo carries no file index on Windows.
// Stat records get theirs from the file's handle instead (handleStat).
func fileKey(os.FileInfo) (dev, ino uint64, ok bool) { return 0, 0, false }

// openStat returns the stat data of the open file f, from its handle.
func openStat(f *os.File, _ os.FileInfo) (statEntry, bool) {
	return handleStat(windows.Handle(f.Fd()))
}

// pathStat returns the stat data of the regular file at path, opened for
// its attributes only (no read access, every sharing mode, so that it never
// gets in a writer's way).
func pathStat(path string) (statEntry, bool) {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return statEntry{}, false
	}
	h, err := windows.CreateFile(p, windows.FILE_READ_ATTRIBUTES,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE, nil, windows.OPEN_EXISTING, 0, 0)
	if err != nil {
		return statEntry{}, false
	}
	defer windows.CloseHandle(h)
	return handleStat(h)
}

// fileBasicInfo is FILE_BASIC_INFO: the file's times, in 100 ns ticks since
// 1601, and its attributes.
type fileBasicInfo struct {
	CreationTime, LastAccessTime, LastWriteTime, ChangeTime int64
	FileAttributes                                          uint32
	_                                                       uint32
}

// handleStat returns the stat data of the file behind h, as a stat record
// keeps it: the volume serial number and the file index stand for device
// and inode (they change when a file is replaced, even with its size and
// times copied over), and ChangeTime for ctime (which no tool sets back).
// ok is false for a directory, or where the file system gives no file
// index (some network shares report zero).
func handleStat(h windows.Handle) (e statEntry, ok bool) {
	var info windows.ByHandleFileInformation
	if windows.GetFileInformationByHandle(h, &info) != nil {
		return statEntry{}, false
	}
	var basic fileBasicInfo
	if windows.GetFileInformationByHandleEx(h, windows.FileBasicInfo, (*byte)(unsafe.Pointer(&basic)), uint32(unsafe.Sizeof(basic))) != nil {
		return statEntry{}, false
	}
	index := uint64(info.FileIndexHigh)<<32 | uint64(info.FileIndexLow)
	if info.FileAttributes&windows.FILE_ATTRIBUTE_DIRECTORY != 0 || index == 0 {
		return statEntry{}, false
	}
	return statEntry{
		dev:   uint64(info.VolumeSerialNumber),
		ino:   index,
		size:  int64(info.FileSizeHigh)<<32 | int64(info.FileSizeLow),
		mtime: unixNano(basic.LastWriteTime),
		ctime: unixNano(basic.ChangeTime),
	}, true
}

// unixNano converts a Windows time (100 ns ticks since 1601) to Unix
// nanoseconds.
func unixNano(ticks int64) int64 {
	const ticksFrom1601To1970 = 116444736000000000
	return (ticks - ticksFrom1601To1970) * 100
}
