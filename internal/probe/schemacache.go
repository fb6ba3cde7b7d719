package probe

import (
	"container/list"
	"crypto/sha256"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// DefaultSchemaCacheSize is how many compiled schemas NewChecker keeps.
const DefaultSchemaCacheSize = 1000

// SchemaCache keeps compiled JSON Schemas by their text, because compiling one is far costlier
// than validating with it and a site's schema changes rarely. It holds at most its size,
// forgetting the least recently used; failures are kept too, so a schema that does not compile
// costs one attempt, not one per check. It is safe for concurrent use. A nil *SchemaCache
// compiles every time.
type SchemaCache struct {
	mu      sync.Mutex
	size    int
	entries map[[sha256.Size]byte]*list.Element
	order   *list.List // of *schemaEntry, most recently used first
}

type schemaEntry struct {
	key    [sha256.Size]byte // of the text: schemas may be long, and the cache keeps only this
	schema *jsonschema.Schema
	err    error
}

// NewSchemaCache returns a cache of at most size schemas (at least one).
func NewSchemaCache(size int) *SchemaCache {
	return &SchemaCache{size: max(size, 1), entries: map[[sha256.Size]byte]*list.Element{}, order: list.New()}
}

// Compile returns the compiled schema for text, compiling it on first use.
func (c *SchemaCache) Compile(text string) (*jsonschema.Schema, error) {
	if c == nil {
		return compileSchema(text)
	}
	key := sha256.Sum256([]byte(text))
	c.mu.Lock()
	if el, ok := c.entries[key]; ok {
		c.order.MoveToFront(el)
		e := el.Value.(*schemaEntry)
		c.mu.Unlock()
		return e.schema, e.err
	}
	c.mu.Unlock()

	// Compiled unlocked: two checks may compile the same schema at once, which costs less than
	// making every check wait behind one compilation.
	sch, err := compileSchema(text)

	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[key]; !ok {
		c.entries[key] = c.order.PushFront(&schemaEntry{key: key, schema: sch, err: err})
		for c.order.Len() > c.size {
			oldest := c.order.Remove(c.order.Back()).(*schemaEntry)
			delete(c.entries, oldest.key)
		}
	}
	return sch, err
}

// len is how many schemas the cache holds.
func (c *SchemaCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
