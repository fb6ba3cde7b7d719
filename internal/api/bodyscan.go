package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// bodyScan walks a JSON body token by token, for what decoding into a struct cannot see: a key
// given twice (encoding/json keeps the last), text that is not UTF-8 (it becomes U+FFFD) or
// holds NUL (no store should be asked to keep it), and nulls (which leave a field as it was).
type bodyScan struct {
	dec  *json.Decoder
	body []byte
	// open are the top-level fields whose value is any JSON, null included.
	open []string
	// nulls are the top-level fields set to null, for decode to judge.
	nulls []string
}

// scanBody checks the body's first JSON value and returns the top-level fields set to null.
// A body that is not an object is left for the decoder to explain.
func scanBody(body []byte, open []string) ([]string, error) {
	s := &bodyScan{dec: json.NewDecoder(bytes.NewReader(body)), body: body, open: open}
	s.dec.UseNumber()
	tok, err := s.token("")
	if err != nil {
		return nil, err
	}
	if tok != json.Delim('{') {
		return nil, nil
	}
	err = s.object("", func(key string, value json.Token) error {
		if value == nil {
			s.nulls = append(s.nulls, key)
			return nil
		}
		return s.value(key, value, s.isOpen(key))
	})
	return s.nulls, err
}

func (s *bodyScan) isOpen(field string) bool { return slices.Contains(s.open, field) }

// token reads the next token of field; a string must be UTF-8 without NUL.
func (s *bodyScan) token(field string) (json.Token, error) {
	start := s.dec.InputOffset()
	tok, err := s.dec.Token()
	if err != nil {
		return nil, decodeError(err)
	}
	text, isText := tok.(string)
	if !isText || field == "" {
		return tok, nil
	}
	// Token has already replaced bytes that are not UTF-8; the body still has them.
	if !utf8.Valid(s.body[start:s.dec.InputOffset()]) {
		return nil, badField(field, field+" must be valid UTF-8 text")
	}
	if strings.ContainsRune(text, 0) {
		return nil, badField(field, field+" must not contain NUL characters")
	}
	return tok, nil
}

// object reads the members of an object whose '{' was read, calling each with its key and the
// first token of its value. field names the object for errors ("" for the body itself, whose
// keys name themselves).
func (s *bodyScan) object(field string, each func(key string, value json.Token) error) error {
	seen := map[string]bool{}
	for s.dec.More() {
		keyTok, err := s.token(field)
		if err != nil {
			return err
		}
		key, _ := keyTok.(string)
		name := field
		if name == "" {
			name = key
		}
		if seen[key] {
			if field == "" {
				return badField(key, key+" is given twice")
			}
			return badField(field, fmt.Sprintf("%s has the key %q twice", field, key))
		}
		seen[key] = true
		value, err := s.token(name)
		if err != nil {
			return err
		}
		if err := each(key, value); err != nil {
			return err
		}
	}
	_, err := s.token("") // the closing '}'
	return err
}

// value checks the rest of a value of field whose first token is tok.
func (s *bodyScan) value(field string, tok json.Token, nullable bool) error {
	switch tok {
	case nil:
		if !nullable {
			return badField(field, field+" must not hold null")
		}
	case json.Delim('{'):
		return s.object(field, func(_ string, v json.Token) error { return s.value(field, v, nullable) })
	case json.Delim('['):
		for s.dec.More() {
			v, err := s.token(field)
			if err != nil {
				return err
			}
			if err := s.value(field, v, nullable); err != nil {
				return err
			}
		}
		_, err := s.token("") // the closing ']'
		return err
	}
	return nil
}
