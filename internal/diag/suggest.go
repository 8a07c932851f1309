package diag

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// Suggest returns the candidate closest to name, or "" when none is close
// enough to be a plausible typo: an exact match ignoring case first, then
// the nearest within an edit distance of a third of the name's length (at
// least 1, at most 3), counting a swap of neighbouring letters as one
// edit. Ties go to the alphabetically first candidate. It is cfnrun's one
// did-you-mean; DidYouMean formats its answer as a hint.
func Suggest(name string, candidates []string) string {
	best, bestDist := "", 0
	lname := strings.ToLower(name)
	n := utf8.RuneCountInString(lname)
	limit := max(1, min(3, utf8.RuneCountInString(name)/3))
	for _, c := range candidates {
		// The distance is at least the difference in length: skipping
		// those candidates keeps a long name (a 20 KB "type") linear.
		if m := utf8.RuneCountInString(c); m < n-limit || m > n+limit {
			continue
		}
		lc := strings.ToLower(c)
		if lc == lname {
			return c
		}
		d := levenshtein(lname, lc)
		if d <= limit && (best == "" || d < bestDist || (d == bestDist && c < best)) {
			best, bestDist = c, d
		}
	}
	return best
}

// DidYouMean formats a hint from Suggest, or returns "".
func DidYouMean(name string, candidates []string) string {
	if s := Suggest(name, candidates); s != "" {
		return "Did you mean " + quote(s) + "?"
	}
	return ""
}

// Names is a helper to collect sorted map keys as candidates.
func Names[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func quote(s string) string { return "\"" + s + "\"" }

// levenshtein is the optimal-string-alignment distance: insertions,
// deletions, substitutions and swaps of two neighbouring letters ("Nmae"
// for "Name") each cost one.
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	rows := make([][]int, len(ra)+1)
	for i := range rows {
		rows[i] = make([]int, len(rb)+1)
		rows[i][0] = i
	}
	for j := range rows[0] {
		rows[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d := min(rows[i-1][j]+1, rows[i][j-1]+1, rows[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d = min(d, rows[i-2][j-2]+1)
			}
			rows[i][j] = d
		}
	}
	return rows[len(ra)][len(rb)]
}
