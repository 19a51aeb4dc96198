// Package clangpch reads what a clang precompiled header records of the
// files it was built from.
//
// Clang checks each of those files when it loads the PCH: a file whose size
// or modification time differs from the recorded one makes the compile fail
// ("file 'x.h' has been modified since the precompiled header was built"),
// unless the PCH was built with -fno-pch-timestamp (recorded time 0) or the
// compile passes -fno-validate-pch. A dependency file names those files but
// says nothing of their times, so a cache that keys their content alone
// would hand out an object where clang now fails. Read gives the launcher
// what it needs to tell.
//
// A PCH is an LLVM bitstream ("CPCH" magic). Read follows it only as far as
// the control block, which clang writes first, and skips every other block
// by its length: a hit reads a few kilobytes of a PCH, not all of it.
package clangpch

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// Magic opens every clang PCH (and module file).
const Magic = "CPCH"

// KnownMajor is the AST format major version (the first field of the
// control block's METADATA record) whose input-file records Read was
// checked against: clang 14's. Other versions may lay the records out
// differently, so a caller should not trust the times Read returns for them.
const KnownMajor = 15

// Input is one file the PCH was built from, as clang recorded it.
type Input struct {
	// Name is the file's name as stored: absolute unless the PCH was built
	// with -relocatable-pch.
	Name string
	// Size is the file's size in bytes when the PCH was built.
	Size uint64
	// ModTime is its modification time in seconds since the epoch, or 0
	// when the PCH was built with -fno-pch-timestamp.
	ModTime uint64
}

// Info is what Read found in a PCH's control block.
type Info struct {
	// Major is the AST format major version.
	Major uint64
	// Inputs are the files the PCH was built from, in its order.
	Inputs []Input
	// Imports is set when the PCH was built on top of another one (a chained
	// PCH); clang then checks that file's size and time too.
	Imports bool
}

// ErrNotPCH is returned (wrapped) for data that does not start with Magic.
var ErrNotPCH = errors.New("not a clang precompiled header")

// Block and record identifiers (LLVM's bitstream and clang's ASTBitCodes.h).
const (
	blockInfoID  = 0
	controlID    = 15
	inputFilesID = 16

	recordMetadata  = 1 // in the control block
	recordImports   = 2 // in the control block
	recordInputFile = 1 // in the input files block

	blockInfoSetBID = 1
)

// Read returns the control-block information of the PCH that r yields.
func Read(r io.Reader) (*Info, error) {
	br := &bitReader{r: bufio.NewReaderSize(r, 16<<10)}
	magic := make([]byte, len(Magic))
	for i := range magic {
		b, err := br.fixed(8)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrNotPCH, err)
		}
		magic[i] = byte(b)
	}
	if string(magic) != Magic {
		return nil, ErrNotPCH
	}
	p := &parser{br: br, blockInfo: map[uint64][]*abbrev{}, info: &Info{}}
	if err := p.top(); err != nil {
		return nil, fmt.Errorf("clang precompiled header: %w", err)
	}
	return p.info, nil
}

// parser walks the top level and the blocks Read needs.
type parser struct {
	br        *bitReader
	blockInfo map[uint64][]*abbrev // abbreviations the BLOCKINFO block gives each block
	info      *Info
	sawMeta   bool
}

// top reads top-level blocks until the control block has been read.
func (p *parser) top() error {
	const width = 2
	for {
		id, err := p.br.fixed(width)
		if err != nil {
			return fmt.Errorf("no control block: %w", err)
		}
		if id != abbrevEnterBlock {
			return fmt.Errorf("unexpected abbreviation %d at the top level", id)
		}
		blockID, done, err := p.enter()
		if err != nil {
			return err
		}
		if done && blockID == controlID {
			if !p.sawMeta {
				return errors.New("control block without metadata")
			}
			return nil
		}
	}
}

// Standard abbreviation IDs.
const (
	abbrevEndBlock   = 0
	abbrevEnterBlock = 1
	abbrevDefine     = 2
	abbrevUnabbrev   = 3
	firstUserAbbrev  = 4
)

// enter reads a block whose ENTER_SUBBLOCK abbreviation was just read:
// the blocks Read needs are walked, others skipped. done reports whether
// the block was walked.
func (p *parser) enter() (blockID uint64, done bool, err error) {
	if blockID, err = p.br.vbr(8); err != nil {
		return 0, false, err
	}
	width, err := p.br.vbr(4)
	if err != nil {
		return 0, false, err
	}
	if width < 1 || width > 32 {
		return 0, false, fmt.Errorf("block %d: abbreviation width %d", blockID, width)
	}
	if err := p.br.align32(); err != nil {
		return 0, false, err
	}
	words, err := p.br.fixed(32)
	if err != nil {
		return 0, false, err
	}
	switch blockID {
	case blockInfoID, controlID, inputFilesID:
		return blockID, true, p.block(blockID, uint(width))
	}
	return blockID, false, p.br.skip(words * 32)
}

// block reads the records of one block up to its end.
func (p *parser) block(blockID uint64, width uint) error {
	abbrevs := append([]*abbrev(nil), p.blockInfo[blockID]...)
	var infoTarget uint64 // the block BLOCKINFO's records now describe
	haveTarget := false
	for {
		id, err := p.br.fixed(width)
		if err != nil {
			return fmt.Errorf("block %d: %w", blockID, err)
		}
		switch id {
		case abbrevEndBlock:
			return p.br.align32()
		case abbrevEnterBlock:
			if _, _, err := p.enter(); err != nil {
				return err
			}
			continue
		case abbrevDefine:
			a, err := p.br.defineAbbrev()
			if err != nil {
				return fmt.Errorf("block %d: %w", blockID, err)
			}
			if blockID == blockInfoID {
				if !haveTarget {
					return errors.New("BLOCKINFO abbreviation before SETBID")
				}
				p.blockInfo[infoTarget] = append(p.blockInfo[infoTarget], a)
			} else {
				abbrevs = append(abbrevs, a)
			}
			continue
		}
		var rec record
		if id == abbrevUnabbrev {
			rec, err = p.br.unabbrevRecord()
		} else {
			i := id - firstUserAbbrev
			if i >= uint64(len(abbrevs)) {
				return fmt.Errorf("block %d: undefined abbreviation %d", blockID, id)
			}
			rec, err = p.br.abbrevRecord(abbrevs[i])
		}
		if err != nil {
			return fmt.Errorf("block %d: %w", blockID, err)
		}
		switch blockID {
		case blockInfoID:
			if rec.code == blockInfoSetBID && len(rec.ops) > 0 {
				infoTarget, haveTarget = rec.ops[0], true
			}
		case controlID:
			switch rec.code {
			case recordMetadata:
				if len(rec.ops) == 0 {
					return errors.New("empty metadata record")
				}
				p.info.Major, p.sawMeta = rec.ops[0], true
			case recordImports:
				if len(rec.ops) > 0 {
					p.info.Imports = true
				}
			}
		case inputFilesID:
			if rec.code == recordInputFile {
				if len(rec.ops) < 3 || rec.blob == nil {
					return errors.New("input file record of an unknown layout")
				}
				p.info.Inputs = append(p.info.Inputs, Input{Name: string(rec.blob), Size: rec.ops[1], ModTime: rec.ops[2]})
			}
		}
	}
}
