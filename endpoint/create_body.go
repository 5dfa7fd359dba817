package endpoint

import (
	"encoding/json"
	"fmt"

	"github.com/azureml-go/azureml/model"
)

// ComputeTypeAKSEndpoint is the computeType of an AKS endpoint.
const ComputeTypeAKSEndpoint = "AKSENDPOINT"

// createBody is the endpoint-level part of POST {MMS}/services for an
// endpoint (reference §6.1). The four settings with omitempty are left out
// when unset, as azureml-core does; "tags" is a literal null that
// azureml-core's template keeps beside kvTags.
type createBody struct {
	Name               string                     `json:"name"`
	Description        *string                    `json:"description"`
	KvTags             map[string]string          `json:"kvTags"`
	Tags               map[string]string          `json:"tags"`
	Properties         map[string]string          `json:"properties"`
	Keys               createKeys                 `json:"keys"`
	ComputeType        string                     `json:"computeType"`
	ComputeName        string                     `json:"computeName"`
	AppInsightsEnabled *bool                      `json:"appInsightsEnabled,omitempty"`
	Namespace          *string                    `json:"namespace,omitempty"`
	AuthEnabled        *bool                      `json:"authEnabled,omitempty"`
	AadAuthEnabled     *bool                      `json:"aadAuthEnabled,omitempty"`
	Overwrite          bool                       `json:"overwrite,omitempty"`
	Versions           map[string]json.RawMessage `json:"versions"`
}

type createKeys struct {
	PrimaryKey   *string `json:"primaryKey"`
	SecondaryKey *string `json:"secondaryKey"`
}

// buildCreateBody renders the endpoint create body: the endpoint-level
// settings and the first version, whose body is the AKS body of reference §4
// built from the same configuration (webservice.AksDeployConfig.CreateBody)
// with the differences azureml-core has: name = the version name,
// computeType "AKSENDPOINT", computeName null, no overwrite, and
// trafficPercentile (a number or null).
func (c AksEndpointDeployConfig) buildCreateBody(req model.CreateRequest) ([]byte, error) {
	version, err := c.AksDeployConfig.CreateBody(model.CreateRequest{
		Name: c.VersionName, EnvironmentImageRequest: req.EnvironmentImageRequest,
	})
	if err != nil {
		return nil, err
	}
	fields, err := decodeObject(version)
	if err != nil {
		return nil, fmt.Errorf("endpoint: version body: %w", err)
	}
	fields["computeType"] = json.RawMessage(`"` + ComputeTypeAKSEndpoint + `"`)
	fields["computeName"] = json.RawMessage("null")
	delete(fields, "overwrite")
	pct := json.RawMessage("null")
	if c.TrafficPercentile != nil {
		if pct, err = json.Marshal(*c.TrafficPercentile); err != nil {
			return nil, fmt.Errorf("endpoint: traffic percentile: %w", err)
		}
	}
	fields["trafficPercentile"] = pct
	versionBody, err := json.Marshal(fields)
	if err != nil {
		return nil, err
	}
	b := createBody{
		Name: req.Name, Description: c.Description, KvTags: c.Tags, Properties: c.Properties,
		ComputeType: ComputeTypeAKSEndpoint, ComputeName: req.ComputeName,
		AppInsightsEnabled: c.EnableAppInsights, Namespace: c.Namespace,
		AuthEnabled: c.AuthEnabled, AadAuthEnabled: c.TokenAuthEnabled,
		Overwrite: req.Overwrite,
		Versions:  map[string]json.RawMessage{c.VersionName: versionBody},
	}
	if b.Properties == nil {
		b.Properties = map[string]string{}
	}
	// As for web services, the secondary key is sent only with a primary key.
	if !c.PrimaryKey.IsZero() {
		pk := c.PrimaryKey.Reveal()
		b.Keys.PrimaryKey = &pk
		if !c.SecondaryKey.IsZero() {
			sk := c.SecondaryKey.Reveal()
			b.Keys.SecondaryKey = &sk
		}
	}
	return json.Marshal(b)
}
