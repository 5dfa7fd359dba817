package lro

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// object is a decoded JSON object whose members are kept raw so that each field
// can be read leniently: a member of an unexpected type is ignored rather than
// failing the whole document.
type object map[string]json.RawMessage

// errNotObject is returned by decodeObject when the input is valid JSON but not
// an object.
var errNotObject = errors.New("not a JSON object")

// decodeObject decodes raw as a JSON object.
func decodeObject(raw []byte) (object, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil, errors.New("empty body")
	}
	if raw[0] != '{' {
		if json.Valid(raw) {
			return nil, errNotObject
		}
		return nil, errors.New("invalid JSON")
	}
	var o object
	if err := json.Unmarshal(raw, &o); err != nil {
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	return o, nil
}

// get returns the member called name: an exact match first, then a
// case-insensitive one. A JSON null counts as absent.
func (o object) get(name string) (json.RawMessage, bool) {
	v, ok := o[name]
	if !ok {
		for k, kv := range o {
			if strings.EqualFold(k, name) {
				v, ok = kv, true
				break
			}
		}
	}
	if !ok || isNull(v) {
		return nil, false
	}
	return v, true
}

// str returns the member as a string. JSON numbers and booleans are returned as
// their literal text; objects and arrays yield "".
func (o object) str(name string) string {
	v, ok := o.get(name)
	if !ok {
		return ""
	}
	return scalarText(v)
}

// child returns the member as an object, or nil when it is absent or not an object.
func (o object) child(name string) object {
	v, ok := o.get(name)
	if !ok {
		return nil
	}
	c, err := decodeObject(v)
	if err != nil {
		return nil
	}
	return c
}

// int returns the member as an int when it is a JSON number or a numeric string.
func (o object) int(name string) int {
	s := o.str(name)
	if s == "" {
		return 0
	}
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && f >= -1e9 && f <= 1e9 {
		return int(f)
	}
	return 0
}

// time returns the member parsed as a timestamp, or the zero time.
func (o object) time(name string) time.Time {
	return parseTime(o.str(name))
}

// scalarText renders a JSON scalar as text: strings unquoted, numbers and
// booleans verbatim, anything else "".
func scalarText(v json.RawMessage) string {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return ""
	}
	switch v[0] {
	case '"':
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return ""
		}
		return s
	case '{', '[', 'n':
		return ""
	default:
		return string(v)
	}
}

// isNull reports whether v is the JSON literal null.
func isNull(v json.RawMessage) bool {
	return string(bytes.TrimSpace(v)) == "null"
}

// timeLayouts are the timestamp forms accepted in operation bodies, tried in order.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999", // no zone: the services mean UTC
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
}

// parseTime parses s leniently; an unrecognised value yields the zero time.
func parseTime(s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}
