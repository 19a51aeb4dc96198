//go:build !unix

package launcher

// movable reports false: on Windows a file renamed out of the cache's tmp/
// would keep the access rights it inherited there (the user's profile),
// not those of the output's directory, and renaming across volumes fails.
// The data is copied to a temporary beside the output instead.
func (inv *invocation) movable(string) bool { return false }
