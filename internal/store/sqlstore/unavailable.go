package sqlstore

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"

	"github.com/tocsin/tocsin/internal/store"
)

// mark wraps err with store.ErrUnavailable when it says the database is away rather than that
// the statement was wrong, so that callers can wait and retry (the scheduler) or answer 503
// (the API). Other errors pass unchanged.
func (s *Store) mark(err error) error {
	if err == nil || errors.Is(err, store.ErrUnavailable) || !s.unavailable(err) {
		return err
	}
	return fmt.Errorf("%w: %w", store.ErrUnavailable, err)
}

func (s *Store) unavailable(err error) bool {
	if s.d.Unavailable != nil && s.d.Unavailable(err) {
		return true
	}
	var netErr *net.OpError
	switch {
	case errors.Is(err, driver.ErrBadConn), errors.Is(err, io.ErrUnexpectedEOF), errors.As(err, &netErr),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return true
	}
	return false
}
