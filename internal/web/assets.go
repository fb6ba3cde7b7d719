package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

// The dashboard's own files and the vendored ones (fetched by scripts/fetch-assets.sh, with
// their licence and checksums beside them). Only what pages load is embedded.
//
//go:embed assets/*.css assets/*.js assets/*.svg assets/vendor/uplot/*.css assets/vendor/uplot/*.js
var assetFiles embed.FS

// assetsPrefix is where assets are served; a name there carries its content's hash.
const assetsPrefix = "/app/assets/"

// immutable lets browsers keep an asset for a year without asking again: its URL changes
// whenever its content does.
const immutable = "public, max-age=31536000, immutable"

type asset struct {
	body        []byte
	contentType string
	etag        string
}

// assets serves the embedded files under names that carry their content hash
// (app.css → /app/assets/app.1f2e3d4c5b6a.css), computed once when the handler is built.
type assets struct {
	urls   map[string]string // embedded name (app.css) → URL
	byPath map[string]asset  // URL path below assetsPrefix → file
}

func mustLoadAssets() *assets {
	a, err := loadAssets(assetFiles)
	if err != nil {
		panic(err)
	}
	return a
}

func loadAssets(files fs.FS) (*assets, error) {
	a := &assets{urls: map[string]string{}, byPath: map[string]asset{}}
	err := fs.WalkDir(files, "assets", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(files, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		hash := hex.EncodeToString(sum[:6])
		rel := strings.TrimPrefix(name, "assets/")
		ext := path.Ext(rel)
		hashed := strings.TrimSuffix(rel, ext) + "." + hash + ext
		a.urls[rel] = assetsPrefix + hashed
		a.byPath[hashed] = asset{body: body, contentType: mime.TypeByExtension(ext), etag: `"` + hash + `"`}
		return nil
	})
	return a, err
}

// URL is where the named asset is served; templates call it as {{asset "app.css"}}. An unknown
// name is an error, so a page that names a missing file fails its tests rather than loading
// nothing.
func (a *assets) URL(name string) (string, error) {
	u, ok := a.urls[name]
	if !ok {
		return "", fmt.Errorf("no asset %q", name)
	}
	return u, nil
}

func (a *assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	f, ok := a.byPath[r.PathValue("name")]
	if !ok {
		w.Header().Set("Cache-Control", "no-store")
		http.Error(w, "no such asset", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", f.contentType)
	w.Header().Set("Cache-Control", immutable)
	w.Header().Set("ETag", f.etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.body))
}
