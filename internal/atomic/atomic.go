// Package atomic writes files so that readers, and a process killed midway,
// see the old file or the new one, never a part: the content goes to a
// temporary file in the same folder, which is synced and renamed over the
// target.
package atomic

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Save calls write with the path of a fresh temporary file beside path, then
// syncs it, renames it over path (mode 0644) and syncs the folder, so that
// the new file survives a power loss once Save returns. On any error path
// is left untouched and the temporary file removed.
func Save(path string, write func(tmp string) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	name := tmp.Name()
	tmp.Close()
	defer os.Remove(name)
	if err := write(name); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := sync(name); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(name, path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := syncDir(filepath.Dir(path)); err != nil {
		return fmt.Errorf("write %s: sync the folder: %w", path, err)
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// WriteFile is Save with data as the content.
func WriteFile(path string, data []byte) error {
	return Save(path, func(tmp string) error { return os.WriteFile(tmp, data, 0o644) })
}

// WriteJSON is WriteFile with v as indented JSON and a final newline.
func WriteJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return WriteFile(path, append(b, '\n'))
}

func sync(name string) error {
	if err := os.Chmod(name, 0o644); err != nil {
		return err
	}
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// WriteTo is Save with src writing the content.
func WriteTo(path string, src io.WriterTo) error {
	return Save(path, func(tmp string) error {
		f, err := os.Create(tmp)
		if err != nil {
			return err
		}
		if _, err := src.WriteTo(f); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	})
}
