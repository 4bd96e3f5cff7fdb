package rocketchat

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/standin/standin/mockserver"
)

// users.list's query parameter, checked as the server checks it and
// matched as MongoDB would match it, for the subset of filters the server
// allows:
//
//   - parseJsonQuery (apps/meteor/app/api/server/helpers/parseJsonQuery.ts)
//     parses the JSON and drops top-level operators other than $or, $and
//     and $regex (clean() in apps/meteor/app/api/server/lib/cleanQuery.ts);
//     text that is not a JSON object is "Invalid query parameter provided".
//   - the route merges it over its default query (a no-op $or on username
//     and name) and checks it with isValidQuery
//     (apps/meteor/app/api/server/lib/isValidQuery.ts): operators must be
//     among the route's, attributes among the default inclusive fields of
//     getNonEmptyFields or under username, name, emails.address or type.
//
// The mock's reading of the allowed operators is $or and $and anywhere and
// $regex with $options under a field (pathAllowConf lists $regex for
// users.list; the route's own default query uses $regex and $options).

// userFilter reports whether a user matches a query.
type userFilter func(*User) bool

// userQueryAttributes are the attributes a query may name exactly: the
// default inclusive fields of getNonEmptyFields
// (apps/meteor/app/api/server/lib/users.ts).
var userQueryAttributes = []string{"name", "username", "emails", "roles", "status", "active", "avatarETag", "lastLogin", "type"}

// userQueryPrefixes may be followed by anything ("username.*" and the like
// in the users.list route).
var userQueryPrefixes = []string{"emails.address", "username", "name", "type"}

func invalidQuery(text string) *mockserver.Error {
	return fail("error-invalid-query", text)
}

// parseUserQuery compiles users.list's query parameter.
func parseUserQuery(raw string) (userFilter, error) {
	dec := json.NewDecoder(bytes.NewReader([]byte(raw)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		return nil, invalidQuery(fmt.Sprintf("Invalid query parameter provided: %q", raw)).WithDetail("helperMethod", "parseJsonQuery")
	}
	q, ok := v.(map[string]any)
	if !ok {
		return nil, invalidQuery(fmt.Sprintf("Invalid query parameter provided: %q", raw)).WithDetail("helperMethod", "parseJsonQuery")
	}
	for k := range q {
		if strings.HasPrefix(k, "$") && k != "$or" && k != "$and" && k != "$regex" {
			delete(q, k) // clean() drops them silently, as the server does
		}
	}
	return compileUserQuery(q, "")
}

// compileUserQuery compiles one query document whose fields sit under
// parent.
func compileUserQuery(q map[string]any, parent string) (userFilter, error) {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var parts []userFilter
	for _, k := range keys {
		v := q[k]
		if strings.HasPrefix(k, "$") {
			if k != "$or" && k != "$and" {
				return nil, invalidQuery("Invalid operation: " + k)
			}
			list, ok := v.([]any)
			if !ok {
				return nil, invalidQuery(k + " needs an array of query documents")
			}
			var subs []userFilter
			for _, item := range list {
				doc, ok := item.(map[string]any)
				if !ok {
					return nil, invalidQuery(k + " needs an array of query documents")
				}
				f, err := compileUserQuery(doc, "")
				if err != nil {
					return nil, err
				}
				subs = append(subs, f)
			}
			if k == "$or" {
				parts = append(parts, func(u *User) bool {
					return slices.ContainsFunc(subs, func(f userFilter) bool { return f(u) })
				})
			} else {
				parts = append(parts, allOf(subs))
			}
			continue
		}
		path := k
		if parent != "" {
			path = parent + "." + k
		}
		if !slices.Contains(userQueryAttributes, path) && !slices.ContainsFunc(userQueryPrefixes, func(p string) bool { return strings.HasPrefix(path, p) }) {
			return nil, invalidQuery("Invalid attribute: " + path)
		}
		f, err := compileUserCondition(path, v)
		if err != nil {
			return nil, err
		}
		parts = append(parts, f)
	}
	return allOf(parts), nil
}

func allOf(fs []userFilter) userFilter {
	return func(u *User) bool {
		for _, f := range fs {
			if !f(u) {
				return false
			}
		}
		return true
	}
}

// userValues are the values a path holds for u, as MongoDB sees them: an
// array field holds each of its elements; a missing field none.
func userValues(u *User, path string) []any {
	switch path {
	case "username":
		return []any{u.Username}
	case "name":
		return []any{u.Name}
	case "status":
		return []any{u.Status}
	case "type":
		return []any{u.Type}
	case "active":
		return []any{u.Active}
	case "emails.address":
		return []any{u.Email}
	case "roles":
		out := make([]any, len(u.Roles))
		for i, r := range u.Roles {
			out[i] = r
		}
		return out
	}
	return nil // emails as a whole, avatarETag, lastLogin, sub-paths: the mock holds none
}

// compileUserCondition compiles the condition v on path: an equality, or
// an object of $regex and $options.
func compileUserCondition(path string, v any) (userFilter, error) {
	doc, isDoc := v.(map[string]any)
	if !isDoc || !hasOperator(doc) {
		return func(u *User) bool {
			vals := userValues(u, path)
			if v == nil {
				return len(vals) == 0
			}
			return slices.ContainsFunc(vals, func(x any) bool { return x == v })
		}, nil
	}
	var pattern, options string
	for k, x := range doc {
		switch k {
		case "$regex":
			s, ok := x.(string)
			if !ok {
				return nil, invalidQuery("$regex of " + path + " must be a string")
			}
			pattern = s
		case "$options":
			s, ok := x.(string)
			if !ok {
				return nil, invalidQuery("$options of " + path + " must be a string")
			}
			options = s
		default:
			if strings.HasPrefix(k, "$") {
				return nil, invalidQuery("Invalid operation: " + k)
			}
			return nil, invalidQuery(fmt.Sprintf("Invalid attribute: %s.%s", path, k))
		}
	}
	if _, ok := doc["$regex"]; !ok {
		return nil, invalidQuery("$options of " + path + " needs a $regex")
	}
	flags := ""
	for _, o := range options {
		switch o {
		case 'i', 'm', 's':
			if !strings.ContainsRune(flags, o) {
				flags += string(o)
			}
		default:
			return nil, invalidQuery(fmt.Sprintf("standin does not implement the $regex option %q (of %s)", o, path))
		}
	}
	expr := pattern
	if flags != "" {
		expr = "(?" + flags + ")" + pattern
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, invalidQuery(fmt.Sprintf("standin cannot compile the $regex %q of %s (Go's RE2 syntax): %v", pattern, path, err))
	}
	return func(u *User) bool {
		return slices.ContainsFunc(userValues(u, path), func(x any) bool {
			s, ok := x.(string)
			return ok && re.MatchString(s)
		})
	}, nil
}

func hasOperator(doc map[string]any) bool {
	for k := range doc {
		if strings.HasPrefix(k, "$") {
			return true
		}
	}
	return false
}
