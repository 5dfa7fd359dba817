package main

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
)

// tabular is a result that knows its -o table form.
type tabular interface {
	table() *table
}

// texter is a result whose -o table form is plain text (logs, a model's answer).
type texter interface {
	text() string
}

// table is rows under headers.
type table struct {
	headers []string
	rows    [][]string
}

// add appends a row.
func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

// writeResult prints v as indented JSON (format "" or "json") or as a table.
func writeResult(w io.Writer, v any, format string) error {
	if v == nil {
		return nil
	}
	if format == "table" {
		if tv, ok := v.(texter); ok {
			s := tv.text()
			if s != "" && !strings.HasSuffix(s, "\n") {
				s += "\n"
			}
			_, err := io.WriteString(w, s)
			return err
		}
		return writeTable(w, v)
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// writeTable prints v's table form; a value without one prints as KEY / VALUE rows of
// its JSON form.
func writeTable(w io.Writer, v any) error {
	var t *table
	if tv, ok := v.(tabular); ok {
		t = tv.table()
	} else {
		var err error
		if t, err = keyValueTable(v); err != nil {
			return err
		}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(t.headers, "\t"))
	under := make([]string, len(t.headers))
	for i, h := range t.headers {
		under[i] = strings.Repeat("-", len(h))
	}
	fmt.Fprintln(tw, strings.Join(under, "\t"))
	for _, r := range t.rows {
		cells := make([]string, len(r))
		for i, c := range r {
			cells[i] = strings.ReplaceAll(strings.ReplaceAll(c, "\t", " "), "\n", " ")
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	return tw.Flush()
}

// keyValueTable renders the top-level fields of v's JSON form, sorted by key.
func keyValueTable(v any) (*table, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var m map[string]json.RawMessage
	t := &table{headers: []string{"Key", "Value"}}
	if json.Unmarshal(b, &m) != nil {
		t.add("value", string(b))
		return t, nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.add(k, cell(m[k]))
	}
	return t, nil
}

// cell renders a JSON value for a table cell: strings without quotes, null empty.
func cell(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	if string(raw) == "null" {
		return ""
	}
	return string(raw)
}
