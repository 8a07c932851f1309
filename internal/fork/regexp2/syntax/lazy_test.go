package syntax

import (
	"sync"
	"testing"
	"unicode"
)

// The predefined classes and the category map are built on first use
// (cfnrun's fork): each call returns a fresh copy of the same set, as
// upstream's func() *CharSet variables did, also under concurrent first
// calls.
func TestLazyClasses(t *testing.T) {
	classes := map[string]struct {
		lazy  func() *CharSet
		eager func() *CharSet
	}{
		"Any":          {AnyClass, getCharSetFromOldString([]rune{0}, false)},
		"ECMAAny":      {ECMAAnyClass, getCharSetFromOldString([]rune{0, 0x000a, 0x000b, 0x000d, 0x000e}, false)},
		"None":         {NoneClass, getCharSetFromOldString(nil, false)},
		"ECMAWord":     {ECMAWordClass, getCharSetFromOldString(ecmaWord, false)},
		"NotECMAWord":  {NotECMAWordClass, getCharSetFromOldString(ecmaWord, true)},
		"ECMASpace":    {ECMASpaceClass, getCharSetFromOldString(ecmaSpace, false)},
		"NotECMASpace": {NotECMASpaceClass, getCharSetFromOldString(ecmaSpace, true)},
		"ECMADigit":    {ECMADigitClass, getCharSetFromOldString(ecmaDigit, false)},
		"NotECMADigit": {NotECMADigitClass, getCharSetFromOldString(ecmaDigit, true)},
		"Word":         {WordClass, getCharSetFromCategoryString(false, false, wordCategoryText)},
		"NotWord":      {NotWordClass, getCharSetFromCategoryString(true, false, wordCategoryText)},
		"Space":        {SpaceClass, getCharSetFromCategoryString(false, false, spaceCategoryText)},
		"NotSpace":     {NotSpaceClass, getCharSetFromCategoryString(true, false, spaceCategoryText)},
		"Digit":        {DigitClass, getCharSetFromCategoryString(false, false, "Nd")},
		"NotDigit":     {NotDigitClass, getCharSetFromCategoryString(false, true, "Nd")},
		"RE2Space":     {RE2SpaceClass, getCharSetFromOldString(re2Space, false)},
		"NotRE2Space":  {NotRE2SpaceClass, getCharSetFromOldString(re2Space, true)},
	}
	var wg sync.WaitGroup
	for name, c := range classes {
		wg.Add(1)
		go func(name string, c struct {
			lazy  func() *CharSet
			eager func() *CharSet
		}) {
			defer wg.Done()
			a, b, want := c.lazy(), c.lazy(), c.eager()
			if a == b {
				t.Errorf("%s: two calls returned the same *CharSet", name)
			}
			if a.String() != want.String() || b.String() != want.String() {
				t.Errorf("%s = %s, want %s", name, a.String(), want.String())
			}
			for _, r := range []rune{0, '\t', '\n', ' ', '0', '9', 'A', '_', 'z', 0xa0, 0x0660, 0x2028, 0x3000, 0xfeff, unicode.MaxRune} {
				if a.CharIn(r) != want.CharIn(r) {
					t.Errorf("%s.CharIn(%U) = %v, want %v", name, r, a.CharIn(r), want.CharIn(r))
				}
			}
		}(name, c) // (go.mod says go 1.13: one loop variable for all iterations)
	}
	wg.Wait()

	m := unicodeCategories()
	for _, tables := range []map[string]*unicode.RangeTable{unicode.Scripts, unicode.Categories, unicode.Properties} {
		for k := range tables {
			if m[k] == nil {
				t.Errorf("unicodeCategories()[%q] missing", k)
			}
		}
	}
	if !isValidUnicodeCat("Greek") || !isValidUnicodeCat("Lu") || isValidUnicodeCat("NoSuchCategory") {
		t.Error("isValidUnicodeCat disagrees with the map")
	}
}
