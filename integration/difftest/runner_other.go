//go:build !linux

package difftest

import (
	"context"
	"errors"
)

// errLinuxOnly: the runner needs Linux (mount namespaces, mknod, chattr).
var errLinuxOnly = errors.New("difftest: the runner needs Linux (mount namespaces, mknod, chattr)")

// Runner runs scenarios; on this system it cannot.
type Runner struct{}

// Preflight reports why scenarios cannot run here.
func Preflight() error { return errLinuxOnly }

// NewRunner fails on this system.
func NewRunner(Config) (*Runner, error) { return nil, errLinuxOnly }

// Run fails on this system.
func (*Runner) Run(context.Context, *Scenario) (*Result, error) { return nil, errLinuxOnly }
