package probe

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// schemaURL is where a site's schema is said to live. It is never fetched: it only gives
// relative references a base, and those fail like every other reference outside the schema.
const schemaURL = "https://schema.tocsin.invalid/body.json"

// CompileSchema reports whether text is a JSON Schema (draft 2020-12 unless it says otherwise)
// that checks can use, so that a site is refused when saved rather than down at every check.
func CompileSchema(text string) error {
	_, err := compileSchema(text)
	return err
}

func compileSchema(text string) (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(text))
	if err != nil {
		return nil, fmt.Errorf("the JSON Schema is not JSON: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	// The default loader reads file: URLs and others may fetch over the network; a schema a user
	// typed must reach neither. The drafts' own metaschemas are built in and still resolve.
	c.UseLoader(noLoader{})
	if err := c.AddResource(schemaURL, doc); err != nil {
		return nil, fmt.Errorf("the JSON Schema cannot be used: %w", err)
	}
	sch, err := c.Compile(schemaURL)
	if err != nil {
		return nil, fmt.Errorf("the JSON Schema is invalid: %s", describeCompileError(err))
	}
	return sch, nil
}

// describeCompileError names the first rule the schema breaks when it breaks the metaschema,
// rather than the library's indented tree of every branch it tried.
func describeCompileError(err error) string {
	var (
		invalid   *jsonschema.SchemaValidationError
		violation *jsonschema.ValidationError
		load      *jsonschema.LoadURLError
	)
	switch {
	case errors.As(err, &invalid) && errors.As(invalid.Err, &violation):
		return firstViolation(violation)
	case errors.As(err, &load):
		return fmt.Sprintf("it refers to %q: %v", load.URL, load.Err)
	}
	return err.Error()
}

type noLoader struct{}

func (noLoader) Load(url string) (any, error) {
	return nil, errors.New("only references inside the schema are followed")
}

// checkSchema judges a body against a compiled schema: "" when it matches, else why not.
// truncated says the body was cut at MaxBodyBytes, which is the likely reason it is not JSON.
func checkSchema(sch *jsonschema.Schema, body []byte, truncated bool) string {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		if truncated {
			return fmt.Sprintf("body is not JSON (only its first %d MiB is read): %v", MaxBodyBytes>>20, err)
		}
		return "body is not JSON: " + err.Error()
	}
	err = sch.Validate(doc)
	var violation *jsonschema.ValidationError
	if errors.As(err, &violation) {
		return firstViolation(violation)
	}
	if err != nil {
		return "JSON Schema: " + err.Error()
	}
	return ""
}
