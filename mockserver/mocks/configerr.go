package mocks

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// ConfigError is a problem at one place of a configuration file: its line
// and the key path there, e.g. line 12, apis.ethora.options.jobDelay.
type ConfigError struct {
	Line int    // 1-based line of the offending key or value
	Path string // dotted key path, with [i] for list items
	Msg  string // what is wrong, e.g. `want a duration like 30s, got "abc"`
}

func (e *ConfigError) Error() string {
	return fmt.Sprintf("line %d: %s: %s", e.Line, e.Path, e.Msg)
}

// withFile names the file of a configuration error: "config.yaml:12:
// apis.ethora.options.jobDelay: ..." for a ConfigError, "config.yaml: ..."
// otherwise.
func withFile(path string, err error) error {
	var ce *ConfigError
	if errors.As(err, &ce) {
		return fmt.Errorf("%s:%d: %s: %s", path, ce.Line, ce.Path, ce.Msg)
	}
	if m := yamlSyntax.FindStringSubmatch(err.Error()); m != nil {
		return fmt.Errorf("%s:%s: %s", path, m[1], m[2])
	}
	return fmt.Errorf("%s: %w", path, err)
}

// locate finds, for a decode error of node into a value of type t, the
// first key or value under node that t refuses, and says why at its line
// and key path; err itself when it finds none. The decoder decodes a
// re-encoded copy of node (to refuse unknown keys), whose lines are not
// the file's: this walks the file's own nodes.
func locate(err error, node *yaml.Node, t reflect.Type, path string) error {
	if ce := walk(node, t, path); ce != nil {
		return ce
	}
	return err
}

var (
	unmarshalerType = reflect.TypeFor[yaml.Unmarshaler]()
	durationType    = reflect.TypeFor[time.Duration]()
	// yamlLine is the position yaml.v3 puts in front of its messages.
	yamlLine = regexp.MustCompile(`^(yaml: (unmarshal errors:\s*)?)?line \d+: `)
	// yamlSyntax is a syntax error of yaml.v3, which has the file's line.
	yamlSyntax = regexp.MustCompile(`yaml: line (\d+): (.*)$`)
)

// walk returns the first problem under node for type t, or nil.
func walk(node *yaml.Node, t reflect.Type, path string) *ConfigError {
	if node == nil || node.Tag == "!!null" {
		return nil
	}
	if node.Kind == yaml.AliasNode {
		return walk(node.Alias, t, path)
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	at := func(n *yaml.Node, p, format string, args ...any) *ConfigError {
		return &ConfigError{Line: n.Line, Path: p, Msg: fmt.Sprintf(format, args...)}
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		if err := node.Decode(reflect.New(t).Interface()); err != nil {
			return at(node, path, "%s", yamlLine.ReplaceAllString(err.Error(), ""))
		}
		return nil
	}
	switch {
	case t == durationType:
		if node.Kind != yaml.ScalarNode || node.Decode(new(time.Duration)) != nil {
			return at(node, path, "want a duration like 30s or 500ms, got %s", describe(node))
		}
		return nil
	case t.Kind() == reflect.Struct:
		if node.Kind != yaml.MappingNode {
			return at(node, path, "want a mapping of %s, got %s", strings.Join(fieldNames(t), ", "), describe(node))
		}
		for i := 0; i+1 < len(node.Content); i += 2 {
			k, v := node.Content[i], node.Content[i+1]
			f, ok := fieldByKey(t, k.Value)
			if !ok {
				return at(k, join(path, k.Value), "unknown key (known: %s)", strings.Join(fieldNames(t), ", "))
			}
			if ce := walk(v, f.Type, join(path, k.Value)); ce != nil {
				return ce
			}
		}
		return nil
	case t.Kind() == reflect.Map:
		if node.Kind != yaml.MappingNode {
			return at(node, path, "want a mapping, got %s", describe(node))
		}
		for i := 0; i+1 < len(node.Content); i += 2 {
			if ce := walk(node.Content[i+1], t.Elem(), join(path, node.Content[i].Value)); ce != nil {
				return ce
			}
		}
		return nil
	case t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8:
		if node.Kind != yaml.SequenceNode {
			return at(node, path, "want a list, got %s", describe(node))
		}
		for i, item := range node.Content {
			if ce := walk(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); ce != nil {
				return ce
			}
		}
		return nil
	case t.Kind() == reflect.Interface:
		return nil
	}
	if node.Kind != yaml.ScalarNode || node.Decode(reflect.New(t).Interface()) != nil {
		return at(node, path, "want %s, got %s", kindName(t), describe(node))
	}
	return nil
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// fieldByKey returns the field of struct t that YAML key names.
func fieldByKey(t reflect.Type, key string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if name, ok := yamlName(f); ok && name == key {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// fieldNames lists the YAML keys of struct t.
func fieldNames(t reflect.Type) []string {
	var names []string
	for i := range t.NumField() {
		if name, ok := yamlName(t.Field(i)); ok {
			names = append(names, name)
		}
	}
	return slices.Compact(names)
}

func yamlName(f reflect.StructField) (string, bool) {
	if !f.IsExported() {
		return "", false
	}
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	switch name {
	case "-":
		return "", false
	case "":
		return strings.ToLower(f.Name), true
	}
	return name, true
}

// kindName says what a scalar of type t looks like.
func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "a whole number"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number, 0 or more"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	}
	return "a " + t.String()
}

// describe shows a node as an error message quotes it.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	return fmt.Sprintf("%q", n.Value)
}

// optionHint adds, to an unknown key of apis.NAME that is one of the API's
// options, where that key goes: apis.NAME.options.KEY.
func optionHint(err error, mock interface{ DefaultOptions() any }) error {
	var ce *ConfigError
	if !errors.As(err, &ce) || !strings.HasPrefix(ce.Msg, "unknown key") {
		return err
	}
	// options is decoded apart, so that the API's own type reads it.
	ce.Msg = strings.Replace(ce.Msg, ")", ", options)", 1)
	t := reflect.TypeOf(mock.DefaultOptions())
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	parent, key := ce.Path[:strings.LastIndex(ce.Path, ".")], ce.Path[strings.LastIndex(ce.Path, ".")+1:]
	if t != nil && t.Kind() == reflect.Struct {
		if _, ok := fieldByKey(t, key); ok {
			ce.Msg += fmt.Sprintf("; %s is an option of the API: %s.options.%s", key, parent, key)
		}
	}
	return ce
}
