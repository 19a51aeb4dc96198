package launcher

import (
	"runtime"
	"strings"
)

// lookupEnv finds name in env (NAME=value entries), the last one winning as
// in os.Getenv. Names are case-insensitive on Windows.
func lookupEnv(env []string, name string) (string, bool) {
	for i := len(env) - 1; i >= 0; i-- {
		k, v, ok := strings.Cut(env[i], "=")
		if ok && sameEnvName(k, name) {
			return v, true
		}
	}
	return "", false
}

// setEnv returns a copy of env with name set to value.
func setEnv(env []string, name, value string) []string {
	return append(unsetEnv(env, name), name+"="+value)
}

// unsetEnv returns a copy of env without name.
func unsetEnv(env []string, name string) []string {
	out := make([]string, 0, len(env)+1)
	for _, kv := range env {
		if k, _, _ := strings.Cut(kv, "="); !sameEnvName(k, name) {
			out = append(out, kv)
		}
	}
	return out
}

func sameEnvName(a, b string) bool {
	if runtime.GOOS == "windows" {
		return strings.EqualFold(a, b)
	}
	return a == b
}
