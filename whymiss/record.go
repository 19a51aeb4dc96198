package whymiss

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/objcache/objcache/digest"
	"github.com/objcache/objcache/manifest"
)

// keyRecordVersion changes with the record's encoding; a record of
// another version reads as none.
const keyRecordVersion = 1

// KeyRecord is what one manifest key was made of, kept beside its
// manifest.
type KeyRecord struct {
	Inputs manifest.KeyInputs
	// Stored is when the record was written: when the key's first entry
	// was stored.
	Stored time.Time
}

// wireRecord is KeyRecord as JSON: sums as hex.
type wireRecord struct {
	Version    int        `json:"v"`
	Stored     int64      `json:"stored"`
	CompilerID string     `json:"compiler"`
	Family     string     `json:"family"`
	Args       []string   `json:"args"`
	Env        []string   `json:"env,omitempty"`
	Source     string     `json:"source"`
	SourceHash string     `json:"source_hash"`
	Inputs     []wireFile `json:"inputs,omitempty"`
	Dir        string     `json:"dir,omitempty"`
	Output     string     `json:"output,omitempty"`
	Extra      []string   `json:"extra,omitempty"`
}

type wireFile struct {
	Path string `json:"path"`
	Hash string `json:"hash"`
}

// EncodeKeyRecord returns the record of in, stored at t.
func EncodeKeyRecord(in *manifest.KeyInputs, t time.Time) []byte {
	w := wireRecord{
		Version: keyRecordVersion, Stored: t.UnixNano(),
		CompilerID: in.CompilerID.String(), Family: in.Family, Args: in.Args, Env: in.Env,
		Source: in.Source, SourceHash: in.SourceHash.String(),
		Dir: in.Dir, Output: in.Output, Extra: in.Extra,
	}
	for _, f := range in.Inputs {
		w.Inputs = append(w.Inputs, wireFile{f.Path, f.Hash.String()})
	}
	data, _ := json.Marshal(w) // strings and numbers only: it cannot fail
	return data
}

// DecodeKeyRecord reads a record EncodeKeyRecord wrote.
func DecodeKeyRecord(data []byte) (*KeyRecord, error) {
	var w wireRecord
	if err := json.Unmarshal(data, &w); err != nil {
		return nil, fmt.Errorf("key record: %w", err)
	}
	if w.Version != keyRecordVersion {
		return nil, fmt.Errorf("key record: version %d, not %d", w.Version, keyRecordVersion)
	}
	r := &KeyRecord{Stored: time.Unix(0, w.Stored), Inputs: manifest.KeyInputs{
		Family: w.Family, Args: w.Args, Env: w.Env, Source: w.Source,
		Dir: w.Dir, Output: w.Output, Extra: w.Extra,
	}}
	var err error
	if r.Inputs.CompilerID, err = digest.Parse(w.CompilerID); err != nil {
		return nil, fmt.Errorf("key record: compiler: %w", err)
	}
	if r.Inputs.SourceHash, err = digest.Parse(w.SourceHash); err != nil {
		return nil, fmt.Errorf("key record: source hash: %w", err)
	}
	for _, f := range w.Inputs {
		h, err := digest.Parse(f.Hash)
		if err != nil {
			return nil, fmt.Errorf("key record: input %s: %w", f.Path, err)
		}
		r.Inputs.Inputs = append(r.Inputs.Inputs, manifest.FileHash{Path: f.Path, Hash: h})
	}
	return r, nil
}
