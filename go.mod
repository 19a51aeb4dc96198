// Module objcache is a compiler cache for gcc, clang, clang-cl and cl.exe
// (see README.md). It is licensed under the Apache License, Version 2.0: see
// LICENSE.
module github.com/objcache/objcache

go 1.24

require (
	github.com/BurntSushi/toml v1.5.0
	github.com/gofrs/flock v0.12.1
	github.com/klauspost/compress v1.18.0
	github.com/redis/go-redis/v9 v9.12.1
	golang.org/x/sys v0.30.0
)

require (
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/dgryski/go-rendezvous v0.0.0-20200823014737-9f7001d12a5f // indirect
	github.com/inconshreveable/mousetrap v1.1.0 // indirect
	github.com/spf13/cobra v1.10.2 // indirect
	github.com/spf13/pflag v1.0.9 // indirect
)
