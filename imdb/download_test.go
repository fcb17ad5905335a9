package imdb

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDownload(t *testing.T) {
	body := []byte("not really a tarball, but the right size and hash")
	sum := sha256.Sum256(body)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/data.tar.gz" {
			http.NotFound(w, r)
			return
		}
		w.Write(body)
	}))
	defer srv.Close()
	good := remote{srv.URL + "/data.tar.gz", int64(len(body)), hex.EncodeToString(sum[:])}
	dir := t.TempDir()
	path, err := download(context.Background(), dir, good, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != string(body) || path != filepath.Join(dir, "data.tar.gz") {
		t.Errorf("downloaded %q to %s", got, path)
	}
	srv.Close() // a second call finds the verified file and needs no network
	if _, err := download(context.Background(), dir, good, io.Discard); err != nil {
		t.Errorf("second download: %v", err)
	}
}

func TestDownloadErrors(t *testing.T) {
	body := []byte("some bytes")
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/missing.tar.gz" {
			http.NotFound(w, r)
			return
		}
		w.Write(body)
	}))
	defer srv.Close()
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	for _, tc := range []struct {
		src  remote
		want string
	}{
		{remote{srv.URL + "/a.tar.gz", 10, strings.Repeat("0", 64)}, "sha256 " + hash + ", want 000"},
		{remote{srv.URL + "/a.tar.gz", 11, hash}, "got 10 bytes, want 11"},
		{remote{srv.URL + "/a.tar.gz", 9, hash}, "got 10 bytes, want 9"},
		{remote{srv.URL + "/missing.tar.gz", 10, hash}, "404 Not Found (pass a local copy of the data with --data PATH instead)"},
		{remote{dead.URL + "/a.tar.gz", 10, hash}, "offline? pass a local copy of the data with --data PATH instead"},
	} {
		dir := t.TempDir()
		_, err := download(context.Background(), dir, tc.src, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to contain %q", tc.src.url, err, tc.want)
		}
		if left, _ := os.ReadDir(dir); len(left) != 0 {
			t.Errorf("%s: left %v behind", tc.src.url, left)
		}
	}
}
