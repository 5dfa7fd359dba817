package endpoint

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"

	"github.com/azureml-go/azureml/webservice"
)

// LoadDeployConfig reads an `az ml` v1 deploymentconfig.json for an AKS
// endpoint (computeType "AKSENDPOINT", any case) and returns the
// configuration it describes, validated.
//
// It accepts every key of webservice.LoadDeployConfig plus versionName and
// trafficPercentile (a number or null). Those two names follow the wire's
// camelCase; the reference does not record the names azure-cli-ml reads
// for them (UNCONFIRMED). As with web services, an unknown key is an error.
//
// Errors: *webservice.ConfigFileError for unreadable files, bad JSON,
// unknown or mistyped fields or another computeType; a
// *webservice.ValidationError (wrapped, naming the file) when the values
// break a rule of AksEndpointDeployConfig.Validate.
func LoadDeployConfig(path string) (*AksEndpointDeployConfig, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &webservice.ConfigFileError{Path: path, Offset: -1, Err: err}
	}
	cfg, err := ParseDeployConfig(path, data)
	if err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return cfg, nil
}

// ParseDeployConfig decodes deploymentconfig.json content for an AKS
// endpoint (path names it in errors) with the strictness of LoadDeployConfig
// but without applying Validate.
func ParseDeployConfig(path string, data []byte) (*AksEndpointDeployConfig, error) {
	var version, pct json.RawMessage
	aks, err := webservice.ParseDeployConfig(path, data, &webservice.ParseOptions{
		ComputeTypes: []string{ComputeTypeAKSEndpoint},
		Extra:        map[string]*json.RawMessage{"versionName": &version, "trafficPercentile": &pct},
	})
	if err != nil {
		return nil, err
	}
	cfg := &AksEndpointDeployConfig{AksDeployConfig: *aks}
	if len(version) > 0 && !isJSONNull(version) {
		if err := json.Unmarshal(version, &cfg.VersionName); err != nil {
			return nil, &webservice.ConfigFileError{Path: path, Field: "versionName", Offset: -1, Err: fmt.Errorf("must be a string")}
		}
	}
	if len(pct) > 0 && !isJSONNull(pct) {
		var p float64
		if err := json.Unmarshal(pct, &p); err != nil {
			return nil, &webservice.ConfigFileError{Path: path, Field: "trafficPercentile", Offset: -1, Err: fmt.Errorf("must be a number")}
		}
		cfg.TrafficPercentile = &p
	}
	return cfg, nil
}

func isJSONNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }
