// Generates golden.json: what the hashicorp/archive provider's zip code
// (internal/provider/zip_archiver.go, reproduced below with Go's
// archive/zip and compress/flate) writes for a set of inputs, so that the
// built-in archive provider's tests can check tfrs writes the same bytes.
//
//	go run generate_golden.go > golden.json
//
// Excludes are matched with filepath.Match here (the provider uses
// doublestar, which agrees for the single-component patterns used).
package main

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"time"
)

// sample mirrors the Rust tests' generator: an LCG drawing letters, with
// back-references that make matches.
func sample(n int, alphabet uint64, seed uint64) []byte {
	x := seed
	out := make([]byte, 0, n)
	for len(out) < n {
		x = x*6364136223846793005 + 1
		if (x>>60) < 3 && len(out) > 300 {
			back := int((x>>20)%300) + 1
			run := int((x>>40)%40) + 3
			for i := 0; i < run; i++ {
				out = append(out, out[len(out)-back])
			}
		} else {
			out = append(out, byte('a'+byte((x>>33)%alphabet)))
		}
	}
	return out[:n]
}

func deflate(data []byte) []byte {
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, 5)
	w.Write(data)
	w.Close()
	return buf.Bytes()
}

func digest(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func b64(b []byte) string {
	s := sha256.Sum256(b)
	return base64.StdEncoding.EncodeToString(s[:])
}

// The provider's archiver, as in zip_archiver.go.
func archiveContent(content []byte, name string) []byte {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	f, _ := w.Create(filepath.ToSlash(name))
	f.Write(content)
	w.Close()
	return buf.Bytes()
}

func archiveMultiple(content map[string][]byte) []byte {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	keys := make([]string, 0, len(content))
	for k := range content {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		f, _ := w.Create(filepath.ToSlash(k))
		f.Write(content[k])
	}
	w.Close()
	return buf.Bytes()
}

func header(fi os.FileInfo, name, mode string) *zip.FileHeader {
	fh, _ := zip.FileInfoHeader(fi)
	fh.Name = filepath.ToSlash(name)
	fh.Method = zip.Deflate
	fh.SetModTime(time.Time{})
	if mode != "" {
		m, _ := strconv.ParseUint(mode, 0, 32)
		fh.SetMode(os.FileMode(m))
	}
	return fh
}

func archiveFile(path, mode string) []byte {
	fi, _ := os.Stat(path)
	content, _ := os.ReadFile(path)
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	f, _ := w.CreateHeader(header(fi, fi.Name(), mode))
	f.Write(content)
	w.Close()
	return buf.Bytes()
}

func archiveDir(dir string, excludes []string, mode string) []byte {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		rel, _ := filepath.Rel(dir, path)
		match := false
		for _, e := range excludes {
			if ok, _ := filepath.Match(e, rel); ok {
				match = true
			}
		}
		if info.IsDir() {
			if match {
				return filepath.SkipDir
			}
			return nil
		}
		if match {
			return nil
		}
		f, _ := w.CreateHeader(header(info, rel, mode))
		content, _ := os.ReadFile(path)
		f.Write(content)
		return nil
	})
	w.Close()
	return buf.Bytes()
}

// The tree the Rust test builds too.
func tree() string {
	dir, _ := os.MkdirTemp("", "archive-golden")
	files := []struct {
		name string
		mode os.FileMode
		data []byte
	}{
		{"index.js", 0o644, []byte("exports.handler = async () => ({ statusCode: 200 });\n")},
		{"lib/util.js", 0o644, sample(5000, 20, 11)},
		{"lib/data.bin", 0o600, sample(70000, 255, 12)},
		{"bin/run.sh", 0o755, []byte("#!/bin/sh\nexec node index.js\n")},
		{"readonly.txt", 0o444, []byte("read only\n")},
		{"a.txt", 0o644, []byte("a\n")},
		{"a/b.txt", 0o644, []byte("b\n")},
		{"node_modules/x/y.js", 0o644, []byte("module.exports = 1;\n")},
		{"scratch.tmp", 0o644, []byte("tmp\n")},
	}
	for _, f := range files {
		p := filepath.Join(dir, f.name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, f.data, f.mode)
		os.Chmod(p, f.mode)
	}
	return dir
}

func main() {
	type deflateCase struct {
		Len      int    `json:"len"`
		Alphabet uint64 `json:"alphabet"`
		Seed     uint64 `json:"seed"`
		Sha256   string `json:"sha256"`
		Size     int    `json:"size"`
	}
	var deflates []deflateCase
	for _, c := range [][3]uint64{
		{0, 4, 1}, {1, 4, 1}, {5, 26, 2}, {300, 3, 3}, {4000, 26, 4}, {70000, 8, 5},
		{200000, 2, 6}, {100000, 255, 7}, {33000, 1, 8}, {65536, 16, 9}, {1000000, 30, 10},
	} {
		out := deflate(sample(int(c[0]), c[1], c[2]))
		deflates = append(deflates, deflateCase{int(c[0]), c[1], c[2], digest(out), len(out)})
	}

	zips := map[string]string{}
	zips["content"] = b64(archiveContent([]byte("def lambda_handler(event, context):\n    return \"fortune\"\n"), "lambda_function.py"))
	zips["content_utf8_name"] = b64(archiveContent([]byte("caf\u00e9\n"), "caf\u00e9.txt"))
	zips["multiple"] = b64(archiveMultiple(map[string][]byte{
		"main.py":      []byte("import helper\n"),
		"helper.py":    sample(3000, 10, 21),
		"conf/app.ini": []byte("[app]\nname = fortune\n"),
	}))
	dir := tree()
	defer os.RemoveAll(dir)
	zips["file"] = b64(archiveFile(filepath.Join(dir, "lib/util.js"), ""))
	zips["file_readonly"] = b64(archiveFile(filepath.Join(dir, "readonly.txt"), ""))
	zips["file_mode"] = b64(archiveFile(filepath.Join(dir, "bin/run.sh"), "0666"))
	zips["dir"] = b64(archiveDir(dir, []string{"node_modules", "*.tmp"}, ""))
	zips["dir_mode"] = b64(archiveDir(dir, []string{"node_modules", "*.tmp"}, "0644"))

	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	enc.Encode(map[string]any{"deflate": deflates, "zip_base64sha256": zips})
}
