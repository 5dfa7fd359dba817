package main

import (
	"strconv"
	"time"

	"github.com/azureml-go/azureml/compute"
)

// computeView is the output form of a compute target.
type computeView struct {
	Name               string     `json:"name"`
	ID                 string     `json:"id,omitempty"`
	ComputeType        string     `json:"computeType"`
	ProvisioningState  string     `json:"provisioningState"`
	Location           string     `json:"location,omitempty"`
	ComputeLocation    string     `json:"computeLocation,omitempty"`
	ResourceID         string     `json:"resourceId,omitempty"`
	IsAttached         bool       `json:"isAttached"`
	ClusterPurpose     string     `json:"clusterPurpose,omitempty"`
	AgentCount         int        `json:"agentCount,omitempty"`
	VMSize             string     `json:"vmSize,omitempty"`
	ClusterFQDN        string     `json:"clusterFqdn,omitempty"`
	LoadBalancerType   string     `json:"loadBalancerType,omitempty"`
	LoadBalancerSubnet string     `json:"loadBalancerSubnet,omitempty"`
	SSLStatus          string     `json:"sslStatus,omitempty"`
	Description        string     `json:"description,omitempty"`
	CreatedOn          *time.Time `json:"createdOn,omitempty"`
	ModifiedOn         *time.Time `json:"modifiedOn,omitempty"`
	ProvisioningErrors []string   `json:"provisioningErrors,omitempty"`
}

func newComputeView(c *compute.AksCompute) *computeView {
	v := &computeView{
		Name:              c.Name(),
		ID:                c.ID(),
		ComputeType:       "AKS",
		ProvisioningState: string(c.ProvisioningState()),
		Location:          c.Location(),
		ComputeLocation:   c.ComputeLocation(),
		ResourceID:        c.ResourceID(),
		IsAttached:        c.IsAttached(),
		Description:       c.Description(),
		CreatedOn:         timePtr(c.CreatedOn()),
		ModifiedOn:        timePtr(c.ModifiedOn()),
	}
	if p := c.Properties(); p != nil {
		v.ClusterPurpose = string(p.ClusterPurpose)
		v.AgentCount = p.AgentCount
		v.VMSize = p.VMSize
		v.ClusterFQDN = p.ClusterFQDN
		v.LoadBalancerType = string(p.LoadBalancerType)
		v.LoadBalancerSubnet = p.LoadBalancerSubnet
		if p.SSL != nil {
			v.SSLStatus = p.SSL.Status
		}
	}
	for _, e := range c.ProvisioningErrors() {
		v.ProvisioningErrors = append(v.ProvisioningErrors, e.Error())
	}
	return v
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func (v *computeView) row() []string {
	agents := ""
	if v.AgentCount > 0 {
		agents = strconv.Itoa(v.AgentCount)
	}
	return []string{v.Name, v.ComputeType, v.ProvisioningState, v.ClusterPurpose, agents, v.VMSize, strconv.FormatBool(v.IsAttached), v.ComputeLocation}
}

var computeHeaders = []string{"Name", "Type", "State", "Purpose", "Nodes", "VM size", "Attached", "Location"}

func (v *computeView) table() *table {
	t := &table{headers: computeHeaders}
	t.add(v.row()...)
	return t
}

// computeListView is the output of computetarget list.
type computeListView []*computeView

func (l computeListView) table() *table {
	t := &table{headers: computeHeaders}
	for _, v := range l {
		t.add(v.row()...)
	}
	return t
}

// operationResult is the output of a command that ran (or started) an operation that
// leaves nothing to show, such as detach or delete.
type operationResult struct {
	Name        string `json:"name"`
	Operation   string `json:"operation"`
	OperationID string `json:"operationId,omitempty"`
	State       string `json:"state"`
}

func (r *operationResult) table() *table {
	t := &table{headers: []string{"Name", "Operation", "State"}}
	t.add(r.Name, r.Operation, r.State)
	return t
}
