package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/azureml-go/azureml/endpoint"
	"github.com/azureml-go/azureml/model"
	"github.com/azureml-go/azureml/webservice"
)

// loadDeployConfigFile reads -dc, an AKS deploymentconfig.json, turning every problem
// into bad input that names the file.
func loadDeployConfigFile(cmd, path string) (*webservice.AksDeployConfig, error) {
	f, err := loadDeployFile(cmd, path, false)
	if err != nil {
		return nil, err
	}
	return f.dc, nil
}

// deployFile is a deploymentconfig.json: an AKS web service's, or an AKS endpoint's,
// which adds the first version's name and traffic percentile.
type deployFile struct {
	dc *webservice.AksDeployConfig
	// endpoint is set for computeType AKSENDPOINT.
	endpoint    bool
	versionName string
	traffic     *float64
}

// Keys an AKSENDPOINT deploymentconfig.json adds to the AKS ones. UNCONFIRMED: the
// reference does not show az ml's endpoint file; these are the camelCase forms of
// AksEndpoint.deploy_configuration's version_name and traffic_percentile, the style of
// every other key of the file.
const (
	keyVersionName       = "versionName"
	keyTrafficPercentile = "trafficPercentile"
)

// loadDeployFile reads -dc with the strictness of webservice.LoadDeployConfig (unknown or
// mistyped keys are errors). With allowEndpoint an AKSENDPOINT file is accepted too; its
// settings are validated with the endpoint's rules by the caller.
func loadDeployFile(cmd, path string, allowEndpoint bool) (*deployFile, error) {
	const flagName = "-dc/--deploy-config-file"
	if err := requireReadable(flagName, path); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, badInput("flag %s: file %s is unreadable: %v", flagName, path, unwrapPathError(err))
	}
	opts := &webservice.ParseOptions{ComputeTypes: []string{"aks"}}
	var version, traffic json.RawMessage
	if allowEndpoint {
		opts.ComputeTypes = append(opts.ComputeTypes, endpoint.ComputeTypeAKSEndpoint)
		opts.Extra = map[string]*json.RawMessage{keyVersionName: &version, keyTrafficPercentile: &traffic}
	}
	dc, err := webservice.ParseDeployConfig(path, data, opts)
	if err != nil {
		return nil, &inputError{msg: "flag " + flagName, err: err}
	}
	out := &deployFile{dc: dc}
	var head struct {
		ComputeType string `json:"computeType"`
	}
	_ = json.Unmarshal(data, &head) // it parsed above
	out.endpoint = strings.EqualFold(head.ComputeType, endpoint.ComputeTypeAKSEndpoint)
	if !out.endpoint {
		if version != nil || traffic != nil {
			return nil, badInput("flag %s: %s: %s and %s need computeType %q", flagName, path, keyVersionName, keyTrafficPercentile, endpoint.ComputeTypeAKSEndpoint)
		}
		if err := dc.Validate(); err != nil {
			return nil, serviceProblems(cmd, flagName+" "+path, nil, err)
		}
		return out, nil
	}
	var problems []string
	if version != nil && json.Unmarshal(version, &out.versionName) != nil {
		problems = append(problems, fmt.Sprintf("field %q: must be a string", keyVersionName))
	}
	if traffic != nil && string(traffic) != "null" {
		var p float64
		if json.Unmarshal(traffic, &p) != nil {
			problems = append(problems, fmt.Sprintf("field %q: must be a number", keyTrafficPercentile))
		}
		out.traffic = &p
	}
	if len(problems) > 0 {
		return nil, badInput("flag %s: %s: %s", flagName, path, strings.Join(problems, "; "))
	}
	return out, nil
}

// loadInferenceConfigFile reads and validates -ic.
func loadInferenceConfigFile(cmd, path string) (*model.InferenceConfig, []string, error) {
	if err := requireReadable("-ic/--inference-config-file", path); err != nil {
		return nil, nil, err
	}
	ic, err := model.LoadInferenceConfig(path)
	if err == nil {
		err = ic.Validate()
	}
	if err != nil {
		var ve *model.ValidationError
		if errors.As(err, &ve) {
			lines := make([]string, len(ve.Problems))
			for i, p := range ve.Problems {
				lines[i] = p.Message
				if p.Field != "" {
					lines[i] = p.Field + ": " + p.Message
				}
			}
			return nil, nil, fileProblemsError(cmd, "invalid inference configuration", "-ic/--inference-config-file "+path, lines, err)
		}
		return nil, nil, &inputError{msg: "flag -ic/--inference-config-file " + path, err: err}
	}
	return ic, ic.Warnings(), nil
}

// resolveModels looks the -m models up (NAME alone means the latest version).
func (x *execution) resolveModels(ctx context.Context, refs []modelRef) ([]*model.Model, error) {
	ws, err := x.workspace(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*model.Model, 0, len(refs))
	for _, r := range refs {
		m, err := model.GetByName(ctx, ws, r.Name, r.Version)
		if err != nil {
			return nil, fmt.Errorf("model %s: %w", r.label(), err)
		}
		out = append(out, m)
	}
	return out, nil
}

// label names the reference for messages.
func (r modelRef) label() string {
	if r.Version == 0 {
		return r.Name + " (latest)"
	}
	return r.ID()
}
