package imdb

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// aclFile is one review file of the aclImdb layout.
type aclFile struct {
	path   string // as in the archive, or below the folder
	split  Split
	label  int
	id     int
	rating int // 0 when the name has no rating
}

// errName is returned for a .txt file in a neg or pos folder whose name
// is neither <id>_<rating>.txt nor <id>.txt.
var errName = errors.New("review file name is not <id>_<rating>.txt")

// parseACLPath recognises .../<split>/<neg|pos>/<id>_<rating>.txt. ok is
// false for paths outside the layout.
func parseACLPath(path string) (f aclFile, ok bool, err error) {
	parts := strings.Split(path, "/")
	if len(parts) < 3 {
		return f, false, nil
	}
	split, label, name := parts[len(parts)-3], parts[len(parts)-2], parts[len(parts)-1]
	f.label = slices.Index(sentiments, label)
	if (split != string(Train) && split != string(Test)) || f.label < 0 || !strings.HasSuffix(name, ".txt") {
		return f, false, nil
	}
	f.path, f.split = path, Split(split)
	id, rating, hasRating := strings.Cut(strings.TrimSuffix(name, ".txt"), "_")
	if f.id, ok = atoi(id); !ok {
		return f, false, errName
	}
	if hasRating {
		if f.rating, ok = atoi(rating); !ok {
			return f, false, errName
		}
	}
	return f, true, nil
}

// atoi parses a non-negative decimal number of at most 9 digits.
func atoi(s string) (int, bool) {
	if s == "" || len(s) > 9 || strings.Trim(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// aclReview is a review file and its content.
type aclReview struct {
	aclFile
	text string
}

// newACLDataset sorts reviews into the documented order and checks them:
// each class folder needs a non-empty review. name is the folder or
// archive, for errors.
func newACLDataset(name string, split Split, reviews []aclReview) (*Dataset, error) {
	if len(reviews) == 0 {
		return nil, fmt.Errorf("imdb: read %s: no reviews in %s/neg or %s/pos (want the aclImdb layout <split>/{neg,pos}/<id>_<rating>.txt)", name, split, split)
	}
	slices.SortFunc(reviews, func(a, b aclReview) int {
		return cmp.Or(cmp.Compare(a.label, b.label), cmp.Compare(a.id, b.id), strings.Compare(a.path, b.path))
	})
	d := &Dataset{Labels: slices.Clone(sentiments)}
	for i, r := range reviews {
		if i > 0 && r.label == reviews[i-1].label && r.id == reviews[i-1].id {
			return nil, fmt.Errorf("imdb: read %s: %s and %s have the same id", name, reviews[i-1].path, r.path)
		}
		d.add(Example{Label: r.label, Rating: r.rating, Source: r.path}, r.text, 0)
	}
	if err := d.checkClasses(name, "reviews in "+string(split)+"/%s"); err != nil {
		return nil, err
	}
	return d, nil
}
