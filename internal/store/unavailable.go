package store

import "errors"

// ErrUnavailable means the database cannot be reached or cannot take the write right now: its
// connections are refused or cut, or its disk is full. Trying again later may succeed. Stores
// wrap the driver's error with it, so a caller tells it apart with errors.Is and can still log
// the cause; the API answers it with 503 database_unavailable.
var ErrUnavailable = errors.New("database unavailable")
