package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
)

// patchOp is one JSON Patch (RFC 6902) operation as model updates use it.
// "from" (move/copy) is not accepted.
type patchOp struct {
	Op    string          `json:"op"`
	Path  string          `json:"path"`
	Value json.RawMessage `json:"value"`
}

// maxPatchOps bounds one patch document.
const maxPatchOps = 100

// decodeModelPatch decodes a JSON Patch document strictly: a JSON array of
// objects with op, path and (for add/replace) value; unknown members, trailing
// data, unknown ops and "test", "move" and "copy" are rejected.
func decodeModelPatch(body []byte) ([]patchOp, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, errEmptyBody
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	var ops []patchOp
	if err := dec.Decode(&ops); err != nil {
		return nil, fmt.Errorf("invalid JSON Patch document: %s", strings.TrimPrefix(err.Error(), "json: "))
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("invalid JSON Patch document: unexpected data after the array")
	}
	if ops == nil {
		return nil, errors.New("invalid JSON Patch document: expected an array of operations")
	}
	if len(ops) == 0 {
		return nil, errors.New("invalid JSON Patch document: no operations")
	}
	if len(ops) > maxPatchOps {
		return nil, fmt.Errorf("invalid JSON Patch document: more than %d operations", maxPatchOps)
	}
	for i, op := range ops {
		switch op.Op {
		case "add", "replace":
			if op.Value == nil {
				return nil, fmt.Errorf("operation %d (%s %s): value is required", i, op.Op, op.Path)
			}
		case "remove":
			if op.Value != nil {
				return nil, fmt.Errorf("operation %d (remove %s): value is not allowed", i, op.Path)
			}
		case "test", "move", "copy":
			return nil, fmt.Errorf("operation %d: op %q is not supported on models", i, op.Op)
		default:
			return nil, fmt.Errorf("operation %d: unknown op %q", i, op.Op)
		}
		if _, err := splitPointer(op.Path); err != nil {
			return nil, fmt.Errorf("operation %d: %v", i, err)
		}
	}
	return ops, nil
}

// splitPointer splits a JSON Pointer into unescaped reference tokens.
func splitPointer(p string) ([]string, error) {
	if !strings.HasPrefix(p, "/") {
		return nil, fmt.Errorf("path %q is not a JSON Pointer (must start with '/')", p)
	}
	toks := strings.Split(p[1:], "/")
	for i, t := range toks {
		for j := 0; j < len(t); j++ {
			if t[j] == '~' && (j+1 >= len(t) || (t[j+1] != '0' && t[j+1] != '1')) {
				return nil, fmt.Errorf("path %q has an invalid '~' escape", p)
			}
		}
		toks[i] = strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
	}
	return toks, nil
}

// applyModelPatch applies ops to a copy of m and, when all succeed, stores the
// result in m. Properties are immutable: no operation may change or remove an
// existing property.
func applyModelPatch(m *modelJSON, ops []patchOp) error {
	next := cloneModel(*m)
	for i, op := range ops {
		toks, err := splitPointer(op.Path)
		if err != nil {
			return fmt.Errorf("operation %d: %v", i, err)
		}
		if err := applyModelOp(&next, op, toks); err != nil {
			return fmt.Errorf("operation %d (%s %s): %v", i, op.Op, op.Path, err)
		}
	}
	*m = next
	return nil
}

func cloneModel(m modelJSON) modelJSON {
	m.KVTags = cloneStrMap(m.KVTags)
	m.Properties = cloneStrMap(m.Properties)
	m.Datasets = append([]modelDataset(nil), m.Datasets...)
	return m
}

func cloneStrMap(in map[string]string) map[string]string {
	out := make(map[string]string, len(in))
	for k, v := range in {
		out[k] = v
	}
	return out
}

// decodeValue decodes a patch value strictly into v.
func decodeValue(raw json.RawMessage, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("invalid value: %s", strings.TrimPrefix(err.Error(), "json: "))
	}
	return nil
}

func applyModelOp(m *modelJSON, op patchOp, toks []string) error {
	remove := op.Op == "remove"
	switch {
	case len(toks) == 1 && toks[0] == "kvTags":
		tags := map[string]string{}
		if !remove {
			if err := decodeValue(op.Value, &tags); err != nil {
				return err
			}
			if tags == nil {
				tags = map[string]string{}
			}
		}
		if p := checkKeys("kvTags", tags); p != nil {
			return errors.New(p[0])
		}
		m.KVTags = tags
	case len(toks) == 2 && toks[0] == "kvTags":
		if remove {
			if _, ok := m.KVTags[toks[1]]; !ok {
				return fmt.Errorf("tag %q does not exist", toks[1])
			}
			delete(m.KVTags, toks[1])
			return nil
		}
		var v string
		if err := decodeValue(op.Value, &v); err != nil {
			return err
		}
		if strings.TrimSpace(toks[1]) == "" {
			return errors.New("tag keys must not be empty")
		}
		m.KVTags[toks[1]] = v
	case len(toks) == 1 && toks[0] == "properties":
		if remove {
			return errors.New("properties are immutable and cannot be removed")
		}
		var props map[string]string
		if err := decodeValue(op.Value, &props); err != nil {
			return err
		}
		if err := checkImmutable(m.Properties, props); err != nil {
			return err
		}
		if p := checkKeys("properties", props); p != nil {
			return errors.New(p[0])
		}
		m.Properties = nonNilMap(props)
	case len(toks) == 2 && toks[0] == "properties":
		if _, exists := m.Properties[toks[1]]; exists || op.Op != "add" {
			return fmt.Errorf("properties are immutable: property %q cannot be changed or removed", toks[1])
		}
		var v string
		if err := decodeValue(op.Value, &v); err != nil {
			return err
		}
		if strings.TrimSpace(toks[1]) == "" {
			return errors.New("property keys must not be empty")
		}
		m.Properties[toks[1]] = v
	case len(toks) == 1 && toks[0] == "description":
		return setOptString(&m.Description, op, remove, "")
	case len(toks) == 1 && toks[0] == "sampleInputData":
		return setOptString(&m.SampleInputData, op, remove, "aml://dataset/")
	case len(toks) == 1 && toks[0] == "sampleOutputData":
		return setOptString(&m.SampleOutputData, op, remove, "aml://dataset/")
	case len(toks) == 1 && toks[0] == "resourceRequirements":
		if remove {
			m.ResourceRequirements = nil
			return nil
		}
		var rr *modelResources
		if err := decodeValue(op.Value, &rr); err != nil {
			return err
		}
		if p := checkResources(rr); p != nil {
			return errors.New(strings.Join(p, "; "))
		}
		m.ResourceRequirements = rr
	case len(toks) == 1 && toks[0] == "datasets":
		if remove {
			m.Datasets = []modelDataset{}
			return nil
		}
		var ds []modelDataset
		if err := decodeValue(op.Value, &ds); err != nil {
			return err
		}
		if p := checkDatasets(ds); p != nil {
			return errors.New(strings.Join(p, "; "))
		}
		if ds == nil {
			ds = []modelDataset{}
		}
		m.Datasets = ds
	default:
		return errors.New("path is not an updatable model field (kvTags, properties, description, sampleInputData, sampleOutputData, resourceRequirements, datasets)")
	}
	return nil
}

// checkImmutable fails when next drops or changes a key of cur.
func checkImmutable(cur, next map[string]string) error {
	var bad []string
	for k, v := range cur {
		if nv, ok := next[k]; !ok || nv != v {
			bad = append(bad, k)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	sort.Strings(bad)
	return fmt.Errorf("properties are immutable: the patch would change or remove %s", strings.Join(bad, ", "))
}

// setOptString sets (or with remove clears) a nullable string field; a
// non-empty prefix is required of non-null values.
func setOptString(dst **string, op patchOp, remove bool, prefix string) error {
	if remove {
		*dst = nil
		return nil
	}
	var v *string
	if err := decodeValue(op.Value, &v); err != nil {
		return err
	}
	if v != nil && prefix != "" && *v != "" && !strings.HasPrefix(*v, prefix) {
		return fmt.Errorf("value %q must start with %s", *v, prefix)
	}
	*dst = v
	return nil
}
