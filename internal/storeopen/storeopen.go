// Package storeopen opens the cache store a configuration names, with the
// settings both objcache and objcache-manage give it: one place, so that
// the launcher and the management commands never open the same directory
// with different options.
package storeopen

import (
	"github.com/objcache/objcache/cache"
	"github.com/objcache/objcache/config"
)

// Open opens the store of cfg.Dir with cfg's lock timeout, compression,
// read-only setting and umask (the process's own where cfg sets none).
func Open(cfg *config.Config) (*cache.Store, error) {
	opts := cache.Options{
		LockTimeout:      cfg.LockTimeout,
		CompressionLevel: cfg.CompressionLevel,
		ReadOnly:         cfg.ReadOnly,
	}
	if cfg.Umask != nil {
		opts.Umask = *cfg.Umask
	} else {
		opts.Umask = uint32(ProcessUmask())
	}
	return cache.Open(cfg.Dir, opts)
}
