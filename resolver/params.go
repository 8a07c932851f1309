package resolver

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/parser/cfn"
)

var errorsAs = errors.As

var parameterKeys = []string{"Type", "Default", "AllowedValues", "AllowedPattern", "ConstraintDescription", "Description", "MaxLength", "MaxValue", "MinLength", "MinValue", "NoEcho"}

func validParamType(t string) bool {
	switch t {
	case "String", "Number", "List<Number>", "CommaDelimitedList":
		return true
	}
	return strings.HasPrefix(t, "AWS::EC2::") || strings.HasPrefix(t, "AWS::Route53::") ||
		strings.HasPrefix(t, "List<AWS::EC2::") || strings.HasPrefix(t, "List<AWS::Route53::") ||
		strings.HasPrefix(t, "AWS::SSM::Parameter::")
}

// paramOverrides merges --param-file files and --param flags (flags win).
func paramOverrides(opts Options) (map[string]overrideValue, diag.Diagnostics) {
	out := map[string]overrideValue{}
	var ds diag.Diagnostics
	for _, f := range opts.ParamFiles {
		vals, err := readParamFile(f)
		if err != nil {
			ds = append(ds,
				ruleInput.errorf(diag.Range{Filename: f}, "",
					"Use the AWS CLI's JSON form [{\"ParameterKey\": \"Name\", \"ParameterValue\": \"value\"}] or Name=Value lines.", "cannot read parameter file: %v", err))
			continue
		}
		for k, v := range vals {
			out[k] = overrideValue{v, "--param-file " + f}
		}
	}
	for k, v := range opts.Params {
		out[k] = overrideValue{v, "--param"}
	}
	return out, ds
}

type overrideValue struct {
	value, source string
}

func readParamFile(path string) (map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	trimmed := bytes.TrimSpace(b)
	if len(trimmed) > 0 && (trimmed[0] == '[' || trimmed[0] == '{') {
		var list []struct {
			ParameterKey     string
			ParameterValue   *string
			UsePreviousValue bool
		}
		if trimmed[0] == '{' {
			// {"Parameters": {"Name": "value"}} (CodePipeline / rain style)
			var obj struct{ Parameters map[string]any }
			if err := json.Unmarshal(trimmed, &obj); err != nil {
				return nil, fmt.Errorf("invalid JSON: %v", err)
			}
			for k, v := range obj.Parameters {
				out[k] = fmt.Sprint(v)
			}
			return out, nil
		}
		if err := json.Unmarshal(trimmed, &list); err != nil {
			return nil, fmt.Errorf("invalid JSON: %v", err)
		}
		for i, p := range list {
			if p.ParameterKey == "" {
				return nil, fmt.Errorf("entry %d has no ParameterKey", i+1)
			}
			if p.ParameterValue != nil {
				out[p.ParameterKey] = *p.ParameterValue
			}
		}
		return out, nil
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	line := 0
	for sc.Scan() {
		line++
		l := strings.TrimSpace(sc.Text())
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		k, v, ok := strings.Cut(l, "=")
		if !ok {
			return nil, fmt.Errorf("line %d: want Name=Value, got %q", line, l)
		}
		out[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return out, sc.Err()
}

// fewParams is the number of parameters up to which param scans their
// names rather than look the name up in s.params.
const fewParams = 8

// param returns s.params[name]. Every reference asks first whether its
// name is a parameter, and a template declares few: comparing the name
// with each of theirs (mostly a length test) costs a fraction of a map
// look-up, which hashes the name even for a map of one entry. The scan
// goes from the last declared, which is the one s.params keeps for a
// name declared twice.
func (s *stack) param(name string) (*parameter, bool) {
	if len(s.paramList) > fewParams {
		p, ok := s.params[name]
		return p, ok
	}
	for i := len(s.paramList) - 1; i >= 0; i-- {
		if p := s.paramList[i]; p.name == name {
			return p, true
		}
	}
	return nil, false
}

func (s *stack) loadParameters() {
	overrides, ds := paramOverrides(s.opts)
	s.diags = append(s.diags, ds...)
	sec := s.root.Get("Parameters")
	if sec != nil && sec.Kind != cfn.Mapping {
		s.errorf(ruleSection, sec.Range(), "", "Parameters maps parameter names to their definitions.", "Parameters is %s", sec.KindName())
		sec = nil
	}
	if sec != nil {
		for _, f := range sec.Fields {
			p := &parameter{name: f.Key, keyRange: f.KeyRange(), decl: f.Value}
			s.params[f.Key] = p
			s.paramOrder = append(s.paramOrder, f.Key)
			s.paramList = append(s.paramList, p)
			if !validLogicalID(f.Key) {
				s.errorf(ruleParam, f.KeyRange(), "", "Parameter names are alphanumeric.", "parameter name %q is not alphanumeric", f.Key)
			}
			if f.Value.Kind != cfn.Mapping {
				s.errorf(ruleParam, f.KeyRange(), "", "A parameter is a mapping with at least Type.", "parameter %q is %s", f.Key, f.Value.KindName())
				continue
			}
			for _, a := range f.Value.Fields {
				if !contains(parameterKeys, a.Key) {
					s.errorf(ruleParam, a.KeyRange(), "", cmp.Or(diag.DidYouMean(a.Key, parameterKeys), "Parameter attributes are "+strings.Join(parameterKeys, ", ")+"."), "unknown parameter attribute %q", a.Key)
				}
				if a.Value.Kind != cfn.Scalar && a.Key != "AllowedValues" {
					s.errorf(ruleParam, a.Value.Range(), "", "Parameter attributes are literal values; intrinsics are not allowed here.", "%s is %s", a.Key, a.Value.KindName())
				}
			}
			tn := f.Value.Get("Type")
			if tn == nil {
				s.errorf(ruleParam, f.KeyRange(), "", "Add Type: String (or Number, CommaDelimitedList, ...).", "parameter %q has no Type", f.Key)
				p.typ = "String"
			} else {
				p.typ = tn.String()
				if !validParamType(p.typ) {
					s.errorf(ruleParam, tn.Range(), "",
						cmp.Or(diag.DidYouMean(p.typ, []string{"String", "Number", "List<Number>", "CommaDelimitedList"}),
							"Valid types are String, Number, List<Number>, CommaDelimitedList and the AWS-specific types."), "invalid parameter type %q", p.typ)
				}
			}
			p.list = strings.HasPrefix(p.typ, "List<") || p.typ == "CommaDelimitedList"
			p.noEcho = isTrue(f.Value.Get("NoEcho").String())
			if ov, ok := overrides[f.Key]; ok {
				p.value, p.source = ov.value, ov.source
			} else if d := f.Value.Get("Default"); d != nil {
				p.value, p.source = d.String(), "default"
			} else if strings.HasPrefix(p.typ, "AWS::SSM::Parameter::") {
				p.value, p.source = "ssm-placeholder", "placeholder"
			} else {
				// The value is given at deploy time; locally a plausible
				// placeholder keeps the template resolving.
				p.value, p.source = placeholderParam(p, f.Value), "placeholder"
				s.infof(ruleParamMissing, f.KeyRange(), "", fmt.Sprintf("Pass a value with --param %s=VALUE (or --param-file) to use a real one.", f.Key),
					"parameter %q has no Default; cfnrun uses the placeholder %q", f.Key, p.value)
				continue
			}
			s.checkParamValue(p)
		}
	}
	names := make([]string, 0, len(overrides))
	for name := range overrides {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if _, ok := s.params[name]; ok {
			continue
		}
		ov := overrides[name]
		// Point at the entry in the parameter file when it came from one;
		// a --param flag has no place in a file, so the finding names the
		// template without a line.
		rng := diag.Range{Filename: s.file}
		if file, ok := strings.CutPrefix(ov.source, "--param-file "); ok {
			rng = locateKey(file, name)
		}
		s.errorf(ruleParam, rng, "", cmp.Or(diag.DidYouMean(name, s.paramOrder), "Remove the value or declare the parameter in the template."),
			"%s sets %q, but the template has no such parameter", ov.source, name)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func isTrue(s string) bool { return strings.EqualFold(s, "true") }

func (s *stack) checkParamValue(p *parameter) {
	d := p.decl
	at := p.keyRange
	if dn := d.Get("Default"); dn != nil && p.source == "default" {
		at = dn.Range()
	}
	where := "the default"
	if p.source != "default" {
		where = p.source
	}
	values := []string{p.value}
	if p.list {
		values = splitList(p.value)
	}
	for _, v := range values {
		if p.typ == "Number" || p.typ == "List<Number>" {
			if _, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err != nil {
				s.errorf(ruleParamValue, at, "", "Give a number.", "parameter %q: %q from %s is not a number", p.name, v, where)
				continue
			}
		}
		if av := d.Get("AllowedValues"); av != nil && av.Kind == cfn.Sequence {
			var allowed []string
			for _, it := range av.Items {
				allowed = append(allowed, it.String())
			}
			if !contains(allowed, v) {
				s.errorf(ruleParamValue, at, "",
					"Allowed values are "+strings.Join(allowed, ", ")+". "+cmp.Or(diag.DidYouMean(v, allowed), ""),
					"parameter %q: %q from %s is not an allowed value", p.name, v, where)
			}
		}
		if ap := d.Get("AllowedPattern").String(); ap != "" {
			re, err := compileJavaPattern(ap)
			if err != nil {
				s.errorf(ruleParam, d.Get("AllowedPattern").Range(), "",
					"CloudFormation evaluates AllowedPattern as a Java regular expression; this one does not compile.", "AllowedPattern does not compile: %v", err)
			} else if ok, err := re.match(v); err != nil {
				s.infof(ruleUnmodeled, d.Get("AllowedPattern").Range(), "", "The pattern backtracks heavily on this value; CloudFormation evaluates it without such a bound. "+
					"Simplify the pattern to have cfnrun check it.",
					"parameter %q: %q from %s is not checked against AllowedPattern: %v", p.name, v, where, err)
			} else if !ok {
				s.errorf(ruleParamValue, at, "", cmp.Or(d.Get("ConstraintDescription").String(), "The value must match "+ap+"."), "parameter %q: %q from %s does not match AllowedPattern", p.name, v, where)
			}
		}
		checkLen := func(key string, ok func(n int) bool, what string) {
			if n := d.Get(key); n != nil {
				lim, err := strconv.Atoi(n.String())
				if err != nil {
					s.errorf(ruleParam, n.Range(), "", "Give a whole number.", "%s is not a whole number", key)
					return
				}
				if !ok(lim) {
					s.errorf(ruleParamValue, at, "",
						cmp.Or(d.Get("ConstraintDescription").String(), fmt.Sprintf("The value must be %s %d characters.", what, lim)),
						"parameter %q: %q from %s violates %s %d", p.name, v, where, key, lim)
				}
			}
		}
		checkLen("MinLength", func(n int) bool { return len([]rune(v)) >= n }, "at least")
		checkLen("MaxLength", func(n int) bool { return len([]rune(v)) <= n }, "at most")
		checkVal := func(key string, ok func(x, lim float64) bool) {
			if n := d.Get(key); n != nil {
				lim, err := strconv.ParseFloat(n.String(), 64)
				if err != nil {
					s.errorf(ruleParam, n.Range(), "", "Give a number.", "%s is not a number", key)
					return
				}
				if x, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && !ok(x, lim) {
					s.errorf(ruleParamValue, at, "",
						cmp.Or(d.Get("ConstraintDescription").String(), fmt.Sprintf("%s is %s.", key, n.String())),
						"parameter %q: %s from %s violates %s %s", p.name, v, where, key, n.String())
				}
			}
		}
		checkVal("MinValue", func(x, lim float64) bool { return x >= lim })
		checkVal("MaxValue", func(x, lim float64) bool { return x <= lim })
	}
}

func splitList(v string) []string {
	if v == "" {
		return []string{}
	}
	parts := strings.Split(v, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

func (s *stack) checkUnusedParams() {
	for _, name := range s.paramOrder {
		if p := s.params[name]; !p.used {
			s.warnf(ruleUnusedParam, p.keyRange, "", "Remove it, or reference it with !Ref "+name+".", "parameter %q is never used", name)
		}
	}
}

// placeholderParam invents a value that satisfies the parameter's type and
// constraints where it can: the first AllowedValue, MinValue for numbers,
// an id of the right shape for AWS-specific types.
func placeholderParam(p *parameter, decl *cfn.Node) string {
	if av := decl.Get("AllowedValues"); av != nil && av.Kind == cfn.Sequence && len(av.Items) > 0 {
		return av.Items[0].String()
	}
	t := strings.TrimSuffix(strings.TrimPrefix(p.typ, "List<"), ">")
	switch {
	case t == "Number":
		if mv := decl.Get("MinValue").String(); mv != "" {
			return mv
		}
		return "1"
	case strings.HasPrefix(t, "AWS::EC2::Subnet::Id"):
		return "subnet-0123456789abcdef0"
	case strings.HasPrefix(t, "AWS::EC2::VPC::Id"):
		return "vpc-0123456789abcdef0"
	case strings.HasPrefix(t, "AWS::EC2::SecurityGroup::Id"):
		return "sg-0123456789abcdef0"
	case strings.HasPrefix(t, "AWS::EC2::Image::Id"):
		return "ami-0123456789abcdef0"
	case strings.HasPrefix(t, "AWS::EC2::AvailabilityZone::Name"):
		return "us-east-1a"
	case strings.HasPrefix(t, "AWS::EC2::KeyPair::KeyName"):
		return "placeholder-key"
	case strings.HasPrefix(t, "AWS::Route53::HostedZone::Id"):
		return "Z0123456789ABCDEFGHIJ"
	}
	v := "placeholder-" + strings.ToLower(p.name)
	if ml := decl.Get("MaxLength").String(); ml != "" {
		if n, err := strconv.Atoi(ml); err == nil && n > 0 && len(v) > n {
			v = v[:n]
		}
	}
	return v
}

// locateKey finds where a parameter file names key, for findings about it.
func locateKey(file, key string) diag.Range {
	rng := diag.Range{Filename: file}
	b, err := os.ReadFile(file)
	if err != nil {
		return rng
	}
	for i, line := range strings.Split(string(b), "\n") {
		for _, pat := range []string{`"` + key + `"`, key + "="} {
			if c := strings.Index(line, pat); c >= 0 {
				rng.Start = diag.Pos{Line: i + 1, Column: c + 1}
				rng.End = diag.Pos{Line: i + 1, Column: c + 1 + len(pat)}
				return rng
			}
		}
	}
	return rng
}
