package netstore

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"

	"github.com/objcache/objcache/remote"
)

// httpBackend speaks the plain HTTP cache protocol: GET <base>/<key> (200
// with the value, 404 when absent) and PUT <base>/<key>. nginx with
// WebDAV (dav_methods PUT; create_full_put_path on) serves it, and so does
// bazel-remote under /ac/ with --disable_http_ac_validation.
type httpBackend struct {
	base   string // the URL without a trailing slash
	token  string
	client *http.Client
}

func newHTTP(s remote.Spec) *httpBackend {
	dialer := &net.Dialer{Timeout: s.ConnectTimeout}
	return &httpBackend{
		base:  strings.TrimSuffix(s.URL.String(), "/"),
		token: s.BearerToken,
		client: &http.Client{Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           dialer.DialContext,
			TLSHandshakeTimeout:   s.RequestTimeout,
			ResponseHeaderTimeout: s.RequestTimeout,
			MaxIdleConnsPerHost:   1,
		}},
	}
}

func (h *httpBackend) do(ctx context.Context, method, key string, body []byte) (*http.Response, error) {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, h.base+"/"+key, r)
	if err != nil {
		return nil, err
	}
	if h.token != "" {
		req.Header.Set("Authorization", "Bearer "+h.token)
	}
	if body != nil {
		req.ContentLength = int64(len(body))
		req.Header.Set("Content-Type", "application/octet-stream")
	}
	return h.client.Do(req)
}

func (h *httpBackend) Get(ctx context.Context, key string) ([]byte, error) {
	resp, err := h.do(ctx, http.MethodGet, key, nil)
	if err != nil {
		return nil, fmt.Errorf("http get %s: %w", key, err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return nil, fmt.Errorf("http get %s: %w", key, remote.ErrNotFound)
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("http get %s: %s", key, resp.Status)
	}
	// No entry is near remote.MaxValue: a server that sends more is broken.
	data, err := io.ReadAll(io.LimitReader(resp.Body, remote.MaxValue+1))
	if err != nil {
		return nil, fmt.Errorf("http get %s: %w", key, err)
	}
	if len(data) > remote.MaxValue {
		return nil, fmt.Errorf("http get %s: the server sent more than %d bytes", key, remote.MaxValue)
	}
	return data, nil
}

func (h *httpBackend) Put(ctx context.Context, key string, value []byte) error {
	resp, err := h.do(ctx, http.MethodPut, key, value)
	if err != nil {
		return fmt.Errorf("http put %s: %w", key, err)
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("http put %s: %s", key, resp.Status)
	}
	return nil
}

func (h *httpBackend) Close() error {
	h.client.CloseIdleConnections()
	return nil
}
