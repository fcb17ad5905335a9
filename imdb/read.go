package imdb

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Read reads a dataset from path, choosing the reader from what it is: a
// folder (ReadDir), a .csv file (ReadCSV), a .tsv file (ReadTSV), or else
// an archive (ReadArchive). split applies to the aclImdb layout only.
func Read(path string, split Split) (*Dataset, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("imdb: read %w (pass a local aclImdb folder or archive, a .csv or a .tsv file)", err)
	}
	switch ext := strings.ToLower(filepath.Ext(path)); {
	case st.IsDir():
		return ReadDir(path, split)
	case ext == ".csv":
		return ReadCSV(path)
	case ext == ".tsv":
		return ReadTSV(path)
	}
	return ReadArchive(path, split)
}
