package webservice

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/azureml-go/azureml/auth"
	"io"
	"math"
	"os"
	"slices"
	"sort"
	"strings"
)

// ConfigFileError reports a problem in a deploymentconfig.json file: bad JSON,
// an unknown or mistyped field, or a wrong computeType. Reach it with
// errors.As. Rule violations of well-formed files are reported as a
// *ValidationError wrapped with the file name instead.
type ConfigFileError struct {
	// Path is the file that was read.
	Path string
	// Field is the JSON path of the offending field ("autoScaler.minReplicas"),
	// empty for syntax errors.
	Field string
	// Offset is the byte offset of a syntax error, or -1.
	Offset int64
	// Err describes the problem.
	Err error
}

// Error renders "path: field: problem" or "path: offset N: problem".
func (e *ConfigFileError) Error() string {
	var b strings.Builder
	b.WriteString(e.Path)
	if e.Field != "" {
		fmt.Fprintf(&b, ": field %q", e.Field)
	}
	if e.Offset >= 0 {
		fmt.Fprintf(&b, ": at byte offset %d", e.Offset)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the underlying problem.
func (e *ConfigFileError) Unwrap() error { return e.Err }

// LoadDeployConfig reads an `az ml` v1 deploymentconfig.json for an AKS web
// service (computeType "aks", any case) and returns the configuration it
// describes, validated.
//
// It accepts the keys that azure-cli-ml reads for AKS — computeType,
// autoScaler{autoscaleEnabled, minReplicas, maxReplicas,
// refreshPeriodInSeconds, targetUtilization}, dataCollection{storageEnabled},
// authEnabled, tokenAuthEnabled, containerResourceRequirements{cpu, cpuLimit,
// memoryInGB, memoryInGBLimit, gpu}, gpuCores, appInsightsEnabled,
// scoringTimeoutMs, maxConcurrentRequestsPerContainer, maxQueueWaitMs,
// numReplicas, keys{primaryKey, secondaryKey}, livenessProbeRequirements{
// periodSeconds, initialDelaySeconds, timeoutSeconds, successThreshold,
// failureThreshold}, namespace, computeTargetName — plus tags, properties,
// description and blobfuseEnabled, which the CLI takes as flags. JSON null
// means "not set". Unlike the CLI, an unknown key is an error (a misspelt
// setting is never ignored silently).
//
// Errors: *ConfigFileError for unreadable files, bad JSON, unknown or
// mistyped fields; a *ValidationError (wrapped, naming the file) when the
// values break a rule of [AksDeployConfig.Validate].
func LoadDeployConfig(path string) (*AksDeployConfig, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &ConfigFileError{Path: path, Offset: -1, Err: err}
	}
	cfg, err := ParseDeployConfig(path, data, nil)
	if err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return cfg, nil
}

// ParseOptions extends ParseDeployConfig to files that add keys to the AKS
// ones, such as an AKS endpoint's deploymentconfig.json.
type ParseOptions struct {
	// ComputeTypes are the accepted computeType values (compared in any
	// case). Default: "aks".
	ComputeTypes []string
	// Extra names additional top-level keys: each one present in the file
	// has its raw JSON stored in the map's *json.RawMessage. Keys named
	// neither here nor by the AKS configuration stay errors.
	Extra map[string]*json.RawMessage
}

// ParseDeployConfig decodes deploymentconfig.json content (path names it in
// errors) with the strictness of LoadDeployConfig, but does not apply the
// rules of Validate: call it yourself (or let model.Deploy do it). A nil
// *ParseOptions means an AKS web service file.
func ParseDeployConfig(path string, data []byte, opts *ParseOptions) (*AksDeployConfig, error) {
	return parseDeployConfigWith(path, data, opts)
}

// parseDeployConfig decodes an AKS web service file without validating.
func parseDeployConfig(path string, data []byte) (*AksDeployConfig, error) {
	return parseDeployConfigWith(path, data, nil)
}

func parseDeployConfigWith(path string, data []byte, opts *ParseOptions) (*AksDeployConfig, error) {
	if opts == nil {
		opts = &ParseOptions{}
	}
	computeTypes := opts.ComputeTypes
	if len(computeTypes) == 0 {
		computeTypes = []string{"aks"}
	}
	if off, err := syntaxCheck(data); err != nil {
		return nil, &ConfigFileError{Path: path, Offset: off, Err: err}
	}
	// The compute type first: a file for another kind of deployment is
	// better reported as such than by its first unknown key.
	var head map[string]json.RawMessage
	_ = json.Unmarshal(data, &head)
	var ct *string
	if raw, ok := head["computeType"]; ok {
		if err := (&fileParser{path: path}).str(&ct)("computeType", raw); err != nil {
			return nil, err
		}
	}
	switch {
	case ct == nil:
		return nil, &ConfigFileError{Path: path, Field: "computeType", Offset: -1, Err: fmt.Errorf("is required; it must be %q", computeTypes[0])}
	case !slices.ContainsFunc(computeTypes, func(c string) bool { return strings.EqualFold(c, *ct) }):
		return nil, &ConfigFileError{Path: path, Field: "computeType", Offset: -1, Err: fmt.Errorf("is %q; this configuration needs %q", *ct, strings.Join(computeTypes, `" or "`))}
	}
	p := &fileParser{path: path}
	cfg := &AksDeployConfig{}
	var computeType *string
	var gpuTop, gpuNested *int
	fields := map[string]fieldDecoder{
		"computeType": p.str(&computeType),
		"autoScaler": p.object(map[string]fieldDecoder{
			"autoscaleEnabled":       p.boolean(&cfg.AutoscaleEnabled),
			"minReplicas":            p.integer(&cfg.AutoscaleMinReplicas),
			"maxReplicas":            p.integer(&cfg.AutoscaleMaxReplicas),
			"refreshPeriodInSeconds": p.integer(&cfg.AutoscaleRefreshSeconds),
			"targetUtilization":      p.integer(&cfg.AutoscaleTargetUtilization),
		}),
		"dataCollection": p.object(map[string]fieldDecoder{
			"storageEnabled": p.boolean(&cfg.CollectModelData),
		}),
		"authEnabled":      p.boolean(&cfg.AuthEnabled),
		"tokenAuthEnabled": p.boolean(&cfg.TokenAuthEnabled),
		"containerResourceRequirements": p.object(map[string]fieldDecoder{
			"cpu":             p.number(&cfg.CPUCores),
			"cpuLimit":        p.number(&cfg.CPUCoresLimit),
			"memoryInGB":      p.number(&cfg.MemoryGB),
			"memoryInGBLimit": p.number(&cfg.MemoryGBLimit),
			"gpu":             p.integer(&gpuNested),
		}),
		"gpuCores":                          p.integer(&gpuTop),
		"appInsightsEnabled":                p.boolean(&cfg.EnableAppInsights),
		"scoringTimeoutMs":                  p.integer(&cfg.ScoringTimeoutMs),
		"maxConcurrentRequestsPerContainer": p.integer(&cfg.ReplicaMaxConcurrentRequests),
		"maxQueueWaitMs":                    p.integer(&cfg.MaxRequestWaitTimeMs),
		"numReplicas":                       p.integer(&cfg.NumReplicas),
		"keys": p.object(map[string]fieldDecoder{
			"primaryKey":   p.secret(&cfg.PrimaryKey),
			"secondaryKey": p.secret(&cfg.SecondaryKey),
		}),
		"livenessProbeRequirements": p.object(map[string]fieldDecoder{
			"periodSeconds":       p.integer(&cfg.PeriodSeconds),
			"initialDelaySeconds": p.integer(&cfg.InitialDelaySeconds),
			"timeoutSeconds":      p.integer(&cfg.TimeoutSeconds),
			"successThreshold":    p.integer(&cfg.SuccessThreshold),
			"failureThreshold":    p.integer(&cfg.FailureThreshold),
		}),
		"namespace":         p.str(&cfg.Namespace),
		"computeTargetName": p.plainString(&cfg.ComputeTargetName),
		"tags":              p.stringMap(&cfg.Tags),
		"properties":        p.stringMap(&cfg.Properties),
		"description":       p.str(&cfg.Description),
		"blobfuseEnabled":   p.boolean(&cfg.BlobfuseEnabled),
	}
	for k, dst := range opts.Extra {
		if _, taken := fields[k]; taken || dst == nil {
			return nil, &ConfigFileError{Path: path, Field: k, Offset: -1, Err: errors.New("ParseOptions.Extra names a key of the AKS configuration, or has a nil target")}
		}
		fields[k] = func(_ string, raw json.RawMessage) error {
			*dst = append(json.RawMessage(nil), raw...)
			return nil
		}
	}
	if err := p.object(fields)("", data); err != nil {
		return nil, err
	}
	switch {
	case gpuTop != nil && gpuNested != nil && *gpuTop != *gpuNested:
		return nil, &ConfigFileError{Path: path, Field: "gpuCores", Offset: -1, Err: fmt.Errorf("is %d but containerResourceRequirements.gpu is %d; give one", *gpuTop, *gpuNested)}
	case gpuTop != nil:
		cfg.GPUCores = gpuTop
	default:
		cfg.GPUCores = gpuNested
	}
	return cfg, nil
}

// syntaxCheck reports the first JSON syntax error and its byte offset, or a
// document that is not exactly one object.
func syntaxCheck(data []byte) (int64, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var v any
	if err := dec.Decode(&v); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return se.Offset, fmt.Errorf("invalid JSON: %w", err)
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return int64(len(data)), errors.New("invalid JSON: unexpected end of input")
		}
		return dec.InputOffset(), fmt.Errorf("invalid JSON: %w", err)
	}
	if _, ok := v.(map[string]any); !ok {
		return 0, errors.New("the document must be a JSON object")
	}
	end := dec.InputOffset()
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return end, errors.New("invalid JSON: unexpected data after the top-level object")
	}
	return -1, nil
}

// fieldDecoder decodes the raw value of the field at path.
type fieldDecoder func(path string, raw json.RawMessage) error

type fileParser struct{ path string }

func (p *fileParser) fail(field, format string, args ...any) error {
	return &ConfigFileError{Path: p.path, Field: field, Offset: -1, Err: fmt.Errorf(format, args...)}
}

func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// object decodes a JSON object whose keys must all be known; null is allowed.
func (p *fileParser) object(fields map[string]fieldDecoder) fieldDecoder {
	return func(path string, raw json.RawMessage) error {
		if isNull(raw) {
			return nil
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			return p.fail(path, "must be a JSON object")
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys) // deterministic: the first unknown key in order
		for _, k := range keys {
			dec, ok := fields[k]
			if !ok {
				return p.fail(join(path, k), "unknown field (not a setting of an AKS deployment configuration)")
			}
			if err := dec(join(path, k), m[k]); err != nil {
				return err
			}
		}
		return nil
	}
}

func (p *fileParser) boolean(dst **bool) fieldDecoder {
	return func(path string, raw json.RawMessage) error {
		if isNull(raw) {
			return nil
		}
		var v bool
		if err := json.Unmarshal(raw, &v); err != nil {
			return p.fail(path, "must be true or false, got %s", raw)
		}
		*dst = &v
		return nil
	}
}

func (p *fileParser) number(dst **float64) fieldDecoder {
	return func(path string, raw json.RawMessage) error {
		if isNull(raw) {
			return nil
		}
		var v float64
		if err := json.Unmarshal(raw, &v); err != nil {
			return p.fail(path, "must be a number, got %s", raw)
		}
		*dst = &v
		return nil
	}
}

// integer accepts integral numbers, including ones written as 2.0.
func (p *fileParser) integer(dst **int) fieldDecoder {
	return func(path string, raw json.RawMessage) error {
		if isNull(raw) {
			return nil
		}
		var f float64
		if err := json.Unmarshal(raw, &f); err != nil || f != math.Trunc(f) || math.Abs(f) > math.MaxInt32 {
			return p.fail(path, "must be a whole number, got %s", raw)
		}
		v := int(f)
		*dst = &v
		return nil
	}
}

func (p *fileParser) str(dst **string) fieldDecoder {
	return func(path string, raw json.RawMessage) error {
		if isNull(raw) {
			return nil
		}
		var v string
		if err := json.Unmarshal(raw, &v); err != nil {
			return p.fail(path, "must be a string, got %s", raw)
		}
		*dst = &v
		return nil
	}
}

func (p *fileParser) plainString(dst *string) fieldDecoder {
	return func(path string, raw json.RawMessage) error {
		var s *string
		if err := p.str(&s)(path, raw); err != nil {
			return err
		}
		if s != nil {
			*dst = *s
		}
		return nil
	}
}

// secret never echoes the value in its error.
func (p *fileParser) secret(dst *auth.Secret) fieldDecoder {
	return func(path string, raw json.RawMessage) error {
		if isNull(raw) {
			return nil
		}
		var v string
		if err := json.Unmarshal(raw, &v); err != nil {
			return p.fail(path, "must be a string")
		}
		*dst = auth.NewSecret(v)
		return nil
	}
}

func (p *fileParser) stringMap(dst *map[string]string) fieldDecoder {
	return func(path string, raw json.RawMessage) error {
		if isNull(raw) {
			return nil
		}
		var v map[string]string
		if err := json.Unmarshal(raw, &v); err != nil {
			return p.fail(path, "must be an object of string values")
		}
		*dst = v
		return nil
	}
}
