package netstore

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/objcache/objcache/remote"
	"github.com/redis/go-redis/v9"
)

// redisBackend stores each value under "objcache:<key>" with SET and reads
// it with GET. Redis evicts by its own policy: run it with a maxmemory and
// maxmemory-policy allkeys-lru.
type redisBackend struct {
	client *redis.Client
}

// redisKeyPrefix keeps objcache's keys apart from anything else in the
// database.
const redisKeyPrefix = "objcache:"

func newRedis(s remote.Spec) *redisBackend {
	return &redisBackend{client: redis.NewClient(redisOptions(s))}
}

// redisOptions are the client options for s: its address, database,
// credentials and timeouts.
func redisOptions(s remote.Spec) *redis.Options {
	opt := &redis.Options{
		DialTimeout:  s.ConnectTimeout,
		ReadTimeout:  s.RequestTimeout,
		WriteTimeout: s.RequestTimeout,
		// One invocation makes a few requests in a row: one connection,
		// no retries (a failure marks the remote down instead), and the
		// plainest handshake.
		PoolSize:        1,
		MaxRetries:      -1,
		Protocol:        2,
		DisableIdentity: true,
	}
	u := s.URL
	if u.Scheme == "redis+unix" {
		opt.Network, opt.Addr = "unix", u.Path
		opt.DB, _ = strconv.Atoi(u.Query().Get("db"))
	} else {
		opt.Network, opt.Addr = "tcp", u.Host
		if u.Port() == "" {
			opt.Addr = net.JoinHostPort(u.Hostname(), "6379")
		}
		if db := strings.Trim(u.Path, "/"); db != "" {
			opt.DB, _ = strconv.Atoi(db)
		}
	}
	if u.Scheme == "rediss" { // TLS, the server checked against the system's roots
		opt.TLSConfig = &tls.Config{ServerName: u.Hostname(), MinVersion: tls.VersionTLS12}
	}
	if u.User != nil {
		opt.Username = u.User.Username()
		opt.Password, _ = u.User.Password()
		if opt.Password == "" { // redis://:password@host
			opt.Password, opt.Username = opt.Username, ""
		}
	}
	return opt
}

func (r *redisBackend) Get(ctx context.Context, key string) ([]byte, error) {
	v, err := r.client.Get(ctx, redisKeyPrefix+key).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("redis get %s: %w", key, remote.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("redis get %s: %w", key, err)
	}
	return v, nil
}

func (r *redisBackend) Put(ctx context.Context, key string, value []byte) error {
	if err := r.client.Set(ctx, redisKeyPrefix+key, value, 0).Err(); err != nil {
		return fmt.Errorf("redis set %s: %w", key, err)
	}
	return nil
}

func (r *redisBackend) Close() error { return r.client.Close() }
