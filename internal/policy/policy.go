// Package policy reads an API Gateway resource policy (a REST API's
// Policy, an IAM policy document) into statements that can be evaluated
// per request without allocating: actions and resources are wildcard
// patterns, aws:SourceIp conditions are parsed prefixes.
//
// What is evaluated: Effect, Principal "*" (or {"AWS": "*"}), Action /
// NotAction, Resource / NotResource, and the IpAddress / NotIpAddress
// condition operators on aws:SourceIp. Everything else a statement may
// hold — another principal, NotPrincipal, any other condition operator or
// key — is recorded in Statement.Unevaluated, for the caller to say so.
// Parse never panics; a document that is not a policy is an error.
package policy

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// Policy is a parsed policy document.
type Policy struct {
	Statements []Statement
}

// Statement is one policy statement.
type Statement struct {
	// Index is the statement's position in the document (0-based); Sid
	// its Sid, or "".
	Index int
	Sid   string
	// Deny is true for Effect Deny, false for Allow.
	Deny bool
	// Anonymous is true when the statement applies to every caller:
	// Principal "*" or {"AWS": "*"}. A statement naming other principals
	// (an IAM role, an account) applies only to signed callers.
	Anonymous bool
	// Principals are the principals named other than "*", as written
	// ("AWS:arn:aws:iam::123456789012:role/dev").
	Principals []string
	// Actions are Action (NotAction when NotAction is set), lower case.
	Actions   []string
	NotAction bool
	// Resources are Resource (NotResource when NotResource is set), as
	// written.
	Resources   []string
	NotResource bool
	// IPs are the statement's aws:SourceIp conditions; all must hold.
	IPs []IPCondition
	// Unevaluated names what the statement holds that this package does
	// not evaluate ("NotPrincipal", "StringEquals aws:SourceVpce").
	Unevaluated []string
}

// IPCondition is an IpAddress or NotIpAddress condition on aws:SourceIp:
// it holds when the source address is (Not: is not) in one of Prefixes.
type IPCondition struct {
	Not      bool
	Prefixes []netip.Prefix
}

// Holds reports whether the condition holds for addr.
func (c IPCondition) Holds(addr netip.Addr) bool {
	addr = addr.Unmap()
	in := false
	for _, p := range c.Prefixes {
		if p.Contains(addr) {
			in = true
			break
		}
	}
	return in != c.Not
}

// Parse reads a policy document (JSON text).
func Parse(doc string) (*Policy, error) {
	var raw map[string]any
	d := json.NewDecoder(strings.NewReader(doc))
	d.UseNumber()
	if err := d.Decode(&raw); err != nil {
		return nil, fmt.Errorf("the policy is not a JSON object: %v", err)
	}
	var stmts []any
	switch s := Field(raw, "Statement").(type) {
	case []any:
		stmts = s
	case map[string]any:
		stmts = []any{s}
	case nil:
		return nil, fmt.Errorf("the policy has no Statement")
	default:
		return nil, fmt.Errorf("the policy's Statement is neither an object nor a list")
	}
	p := &Policy{}
	for i, s := range stmts {
		m, ok := s.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("statement %d is not an object", i+1)
		}
		st, err := parseStatement(i, m)
		if err != nil {
			return nil, err
		}
		p.Statements = append(p.Statements, st)
	}
	return p, nil
}

func parseStatement(i int, m map[string]any) (Statement, error) {
	st := Statement{Index: i}
	st.Sid, _ = Field(m, "Sid").(string)
	name := fmt.Sprintf("statement %d", i+1)
	if st.Sid != "" {
		name += " (" + st.Sid + ")"
	}
	switch effect, _ := Field(m, "Effect").(string); effect {
	case "Allow":
	case "Deny":
		st.Deny = true
	default:
		return st, fmt.Errorf("%s: Effect is %q, not Allow or Deny", name, effect)
	}
	if Field(m, "NotPrincipal") != nil {
		st.Unevaluated = append(st.Unevaluated, "NotPrincipal")
	}
	switch pr := Field(m, "Principal").(type) {
	case string:
		if pr == "*" {
			st.Anonymous = true
		} else {
			st.Principals = append(st.Principals, pr)
		}
	case map[string]any:
		for _, k := range sortedKeys(pr) {
			for _, v := range Strings(pr[k]) {
				if k == "AWS" && v == "*" {
					st.Anonymous = true
				} else {
					st.Principals = append(st.Principals, k+":"+v)
				}
			}
		}
	case nil:
		if Field(m, "NotPrincipal") == nil {
			return st, fmt.Errorf("%s has no Principal (a resource policy names who it applies to: \"Principal\": \"*\")", name)
		}
	}
	act, nact := Field(m, "Action"), Field(m, "NotAction")
	switch {
	case act != nil:
		st.Actions = Strings(act)
	case nact != nil:
		st.Actions, st.NotAction = Strings(nact), true
	default:
		return st, fmt.Errorf("%s has no Action", name)
	}
	for j, a := range st.Actions {
		st.Actions[j] = strings.ToLower(a)
	}
	res, nres := Field(m, "Resource"), Field(m, "NotResource")
	switch {
	case res != nil:
		st.Resources = Strings(res)
	case nres != nil:
		st.Resources, st.NotResource = Strings(nres), true
	default:
		return st, fmt.Errorf("%s has no Resource", name)
	}
	cond, _ := Field(m, "Condition").(map[string]any)
	for _, op := range sortedKeys(cond) {
		keys, _ := cond[op].(map[string]any)
		for _, key := range sortedKeys(keys) {
			if (op == "IpAddress" || op == "NotIpAddress") && strings.EqualFold(key, "aws:SourceIp") {
				c := IPCondition{Not: op == "NotIpAddress"}
				for _, v := range Strings(keys[key]) {
					pfx, err := parsePrefix(v)
					if err != nil {
						return st, fmt.Errorf("%s: aws:SourceIp %q is not an IP address or CIDR block", name, v)
					}
					c.Prefixes = append(c.Prefixes, pfx)
				}
				st.IPs = append(st.IPs, c)
				continue
			}
			st.Unevaluated = append(st.Unevaluated, op+" "+key)
		}
	}
	return st, nil
}

// parsePrefix reads "192.0.2.0/24", "2001:db8::/32" or a single address.
func parsePrefix(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return p, err
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// Field reads a policy key; IAM accepts any case for element names
// ("Statement" and "statement" alike).
func Field(m map[string]any, k string) any {
	if v, ok := m[k]; ok {
		return v
	}
	for mk, v := range m {
		if strings.EqualFold(mk, k) {
			return v
		}
	}
	return nil
}

// Strings reads a string or a list of strings (other items dropped).
func Strings(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Match matches s against an IAM wildcard pattern: * is any run of
// characters, ? any one character; everything else is literal and case
// sensitive. It does not allocate.
func Match(pattern, s string) bool {
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}
