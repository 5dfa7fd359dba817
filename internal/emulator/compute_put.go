package emulator

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// PUT of a compute: create, attach or update (reference §2.3, §2.4, §2.7).

// handleComputePut creates, attaches or updates a compute.
func (s *Server) handleComputePut(w http.ResponseWriter, r *http.Request) {
	if !checkComputeAPIVersion(w, r) {
		return
	}
	name := r.PathValue("name")
	var req computePutRequest
	if !decodeComputeBody(w, r, &req) {
		return
	}
	canonical, _ := json.Marshal(req)

	var problems []string
	if msg := checkComputeName(name); msg != "" {
		problems = append(problems, msg)
	}
	if req.Location == "" {
		problems = append(problems, "location is required.")
	}
	if req.Properties == nil {
		problems = append(problems, "properties is required.")
	} else {
		if req.Properties.ComputeType != "AKS" {
			problems = append(problems, fmt.Sprintf("computeType %q is not supported by the local workspace; only AKS is.", req.Properties.ComputeType))
		}
		if id := deref(req.Properties.ResourceID); id != "" {
			if msg := checkClusterResourceID(id); msg != "" {
				problems = append(problems, msg)
			}
		}
		problems = append(problems, checkAKSProps(req.Properties.Properties)...)
	}
	if len(problems) > 0 {
		writeARMError(w, http.StatusBadRequest, "BadRequest", strings.Join(problems, " "))
		return
	}

	f := s.compute()
	f.mu.Lock()
	defer f.mu.Unlock()
	cur, exists := s.getCompute(name)
	if exists && cur.LastBody == string(canonical) && cur.OpURL != "" && cur.State != stateFailed &&
		(cur.OpKind == computeOpCreate || cur.OpKind == computeOpAttach || cur.OpKind == computeOpUpdate) {
		// A retried request (its answer was lost): answer with the operation it
		// already started rather than starting another.
		s.replyCompute(w, http.StatusOK, cur)
		return
	}
	resourceID := deref(req.Properties.ResourceID)
	switch {
	case !exists || (cur.State == stateFailed && cur.OpKind != computeOpUpdate):
		// A new compute, or one whose create/attach failed: provision (again).
		if resourceID == "" {
			s.startComputeCreate(w, name, &req, string(canonical), exists)
		} else {
			s.startComputeAttach(w, name, &req, string(canonical), exists)
		}
	case cur.State == stateDeleting:
		writeARMError(w, http.StatusConflict, "Conflict", fmt.Sprintf("Compute %s is being deleted.", name))
	case cur.inProgress():
		writeARMError(w, http.StatusConflict, "Conflict", fmt.Sprintf("An operation is in progress on compute %s (state %s); wait for it to finish.", name, cur.State))
	case resourceID != "" && !strings.EqualFold(resourceID, cur.ResourceID):
		writeARMError(w, http.StatusConflict, "Conflict",
			fmt.Sprintf("Compute %s already exists in the workspace for cluster %s; compute names are unique.", name, cur.ResourceID))
	case resourceID == "" && cur.IsAttached:
		writeARMError(w, http.StatusConflict, "Conflict",
			fmt.Sprintf("Compute %s already exists in the workspace as an attached cluster; compute names are unique.", name))
	default:
		s.startComputeUpdate(w, cur, &req, string(canonical))
	}
}

// replyCompute answers a PUT with the compute and its operation.
func (s *Server) replyCompute(w http.ResponseWriter, status int, c *computeRecord) {
	w.Header().Set("Azure-AsyncOperation", c.OpURL)
	writeJSON(w, status, s.computeResourceOf(c))
}

// beginComputeOp records a new operation on c (state, generation, request) and starts it;
// run is called under the feature lock, only if c was not replaced meanwhile.
func (s *Server) beginComputeOp(c *computeRecord, kind, state, body string, run func(c *computeRecord) error) {
	gen := newUUID()
	c.OpKind, c.State, c.Generation, c.LastBody = kind, state, gen, body
	c.ModifiedOn = time.Now().UTC()
	c.ProvisioningErrors = nil
	c.OpURL = ""
	s.putCompute(c)
	name := c.Name
	url := s.ops.StartARM(func(context.Context) error {
		f := s.compute()
		if f == nil {
			return nil
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		cur, ok := s.getCompute(name)
		if !ok || cur.Generation != gen {
			return nil // replaced or removed by a later request
		}
		return run(cur)
	})
	c.OpURL = url
	if cur, ok := s.getCompute(name); ok && cur.Generation == gen {
		cur.OpURL = url
		s.putCompute(cur)
	}
}

func (s *Server) startComputeCreate(w http.ResponseWriter, name string, req *computePutRequest, body string, existed bool) {
	p := req.Properties.Properties
	if p == nil {
		p = &aksPutProps{}
	}
	purpose := deref(p.ClusterPurpose)
	nodes := defaultAgentCount
	if p.AgentCount != nil {
		nodes = *p.AgentCount
	} else if purpose == "DevTest" {
		nodes = 1
	}
	vmSize := orDefault(deref(p.AgentVMSize), defaultVMSize)
	problems := checkFastProd(purpose, nodes, vmSize)
	if ssl := p.SSLConfiguration; ssl != nil && ssl.Status == "Enabled" && empty(ssl.Key) {
		problems = append(problems, "sslConfiguration with status Enabled needs a key.")
	}
	if len(problems) > 0 {
		writeARMError(w, http.StatusBadRequest, "BadRequest", strings.Join(problems, " "))
		return
	}
	now := time.Now().UTC()
	c := &computeRecord{
		Name:            name,
		ComputeLocation: orDefault(deref(req.Properties.ComputeLocation), s.opts.Location),
		Description:     req.Properties.Description,
		Tags:            req.Tags,
		CreatedOn:       now,
		Pending: &aksProps{
			AgentCount:         nodes,
			AgentVMSize:        vmSize,
			ClusterPurpose:     orDefault(purpose, "FastProd"),
			LoadBalancerType:   orDefault(deref(p.LoadBalancerType), "PublicIp"),
			LoadBalancerSubnet: p.LoadBalancerSubnet,
			SSL:                sslFromPut(p.SSLConfiguration, nil),
			Networking:         netFromPut(p.AKSNetworkingConfiguration),
		},
	}
	if c.Pending.LoadBalancerType == "InternalLoadBalancer" && c.Pending.LoadBalancerSubnet == nil {
		subnet := "aks-subnet"
		c.Pending.LoadBalancerSubnet = &subnet
	}
	s.beginComputeOp(c, computeOpCreate, stateCreating, body, func(cur *computeRecord) error {
		if _, ok := vmVCPUs(cur.Pending.AgentVMSize); !ok {
			msg := fmt.Sprintf("The VM size %s is not supported in %s.", cur.Pending.AgentVMSize, cur.ComputeLocation)
			cur.State = stateFailed
			cur.ProvisioningErrors = []armError{{Error: armErrorBody{Code: "BadRequest", Message: msg,
				Details: []armErrorDetail{{Code: "VMSizeNotSupported", Message: msg}}}}}
			cur.ModifiedOn = time.Now().UTC()
			s.putCompute(cur)
			return newOpError("BadRequest", msg)
		}
		s.provisionCluster(cur)
		s.putCompute(cur)
		return nil
	})
	status := http.StatusCreated
	if existed {
		status = http.StatusOK
	}
	s.replyCompute(w, status, c)
}

func (s *Server) startComputeAttach(w http.ResponseWriter, name string, req *computePutRequest, body string, existed bool) {
	p := req.Properties.Properties
	if p == nil {
		p = &aksPutProps{}
	}
	id := *req.Properties.ResourceID
	cluster, known := s.getCluster(id)
	if !known {
		// An unknown but well-formed id: the local workspace makes the cluster up
		// (3 × Standard_D3_v2), as if it existed in the subscription.
		m := clusterIDPattern.FindStringSubmatch(id)
		cluster = &clusterRecord{
			ID: id, Location: s.opts.Location, AgentCount: defaultAgentCount, AgentVMSize: defaultVMSize,
			Fqdn:      fmt.Sprintf("%s-%s.hcp.%s.azmk8s.io", strings.ToLower(m[3]), newSecret(3), strings.ToLower(s.opts.Location)),
			UserToken: newSecret(16), AdminToken: newSecret(16),
		}
	}
	purpose := deref(p.ClusterPurpose)
	if ssl := p.SSLConfiguration; ssl != nil && ssl.Status == "Enabled" && empty(ssl.Key) {
		writeARMError(w, http.StatusBadRequest, "BadRequest", "sslConfiguration with status Enabled needs a key.")
		return
	}
	if problems := checkFastProd(purpose, cluster.AgentCount, cluster.AgentVMSize); len(problems) > 0 {
		writeARMError(w, http.StatusBadRequest, "BadRequest", "Cluster "+id+" cannot be attached: "+strings.Join(problems, " "))
		return
	}
	if !known {
		s.putCluster(cluster)
	}
	now := time.Now().UTC()
	c := &computeRecord{
		Name:            name,
		ComputeLocation: cluster.Location,
		Description:     req.Properties.Description,
		Tags:            req.Tags,
		CreatedOn:       now,
		ResourceID:      cluster.ID,
		IsAttached:      true,
		Pending: &aksProps{
			AgentCount:         cluster.AgentCount,
			AgentVMSize:        cluster.AgentVMSize,
			ClusterPurpose:     orDefault(purpose, "FastProd"),
			ClusterFqdn:        cluster.Fqdn,
			LoadBalancerType:   orDefault(deref(p.LoadBalancerType), "PublicIp"),
			LoadBalancerSubnet: p.LoadBalancerSubnet,
			SSL:                sslFromPut(p.SSLConfiguration, nil),
			Networking:         cluster.Networking,
		},
	}
	s.beginComputeOp(c, computeOpAttach, stateCreating, body, func(cur *computeRecord) error {
		cur.Props, cur.Pending = cur.Pending, nil
		cur.State = stateSucceeded
		cur.ModifiedOn = time.Now().UTC()
		s.putCompute(cur)
		return nil
	})
	status := http.StatusCreated
	if existed {
		status = http.StatusOK
	}
	s.replyCompute(w, status, c)
}

// startComputeUpdate applies the mutable settings of a PUT on an existing compute: load
// balancer and TLS. A key absent from the body leaves the setting as it is (azureml-core
// removes the keys it does not change, reference §2.7). agentCount and agentVmSize cannot
// change through the workspace.
func (s *Server) startComputeUpdate(w http.ResponseWriter, cur *computeRecord, req *computePutRequest, body string) {
	p := req.Properties.Properties
	if p == nil {
		p = &aksPutProps{}
	}
	props := aksProps{}
	if cur.Props != nil {
		props = *cur.Props
	}
	var problems []string
	if p.AgentCount != nil && *p.AgentCount != props.AgentCount {
		problems = append(problems, fmt.Sprintf("agentCount cannot be changed through the workspace (it is %d); scale the AKS cluster instead.", props.AgentCount))
	}
	if p.AgentVMSize != nil && !strings.EqualFold(*p.AgentVMSize, props.AgentVMSize) {
		problems = append(problems, fmt.Sprintf("agentVmSize cannot be changed (it is %s).", props.AgentVMSize))
	}
	if p.ClusterPurpose != nil {
		props.ClusterPurpose = *p.ClusterPurpose
	}
	if p.LoadBalancerType != nil {
		props.LoadBalancerType = *p.LoadBalancerType
		if props.LoadBalancerType == "PublicIp" {
			props.LoadBalancerSubnet = nil
		}
	}
	if p.LoadBalancerSubnet != nil {
		props.LoadBalancerSubnet = p.LoadBalancerSubnet
	}
	if props.LoadBalancerType == "InternalLoadBalancer" && props.LoadBalancerSubnet == nil {
		subnet := "aks-subnet"
		props.LoadBalancerSubnet = &subnet
	}
	if props.LoadBalancerType == "PublicIp" && deref(props.LoadBalancerSubnet) != "" {
		problems = append(problems, "loadBalancerSubnet can only be set when loadBalancerType is InternalLoadBalancer.")
	}
	if ssl := p.SSLConfiguration; ssl != nil {
		if ssl.Renew != nil && *ssl.Renew && (props.SSL == nil || props.SSL.LeafDomainLabel == "") {
			problems = append(problems, "Only a Microsoft-issued certificate (leafDomainLabel) can be renewed.")
		}
		switch {
		case ssl.Status == "Enabled" && empty(ssl.Key) && props.SSL != nil && props.SSL.Cname == deref(ssl.Cname) && props.SSL.Cert == deref(ssl.Cert):
			// The GET document echoed back (it never carries the key): unchanged.
		case ssl.Status == "Enabled" && empty(ssl.Key):
			problems = append(problems, "sslConfiguration with status Enabled needs a key for a new certificate.")
		default:
			props.SSL = sslFromPut(ssl, props.SSL)
		}
	}
	if props.SSL != nil && props.SSL.Status == "Auto" && props.LoadBalancerType == "InternalLoadBalancer" {
		problems = append(problems, "A Microsoft-issued certificate (status Auto) cannot be used with an internal load balancer.")
	}
	if len(problems) > 0 {
		writeARMError(w, http.StatusBadRequest, "BadRequest", strings.Join(problems, " "))
		return
	}
	if req.Tags != nil {
		cur.Tags = req.Tags
	}
	if req.Properties.Description != nil {
		cur.Description = req.Properties.Description
	}
	cur.Pending = &props
	s.beginComputeOp(cur, computeOpUpdate, stateUpdating, body, func(c *computeRecord) error {
		if c.Pending != nil {
			if c.Pending.SSL != nil {
				c.Pending.SSL.Renew = false // renewal done
			}
			c.Props, c.Pending = c.Pending, nil
		}
		c.State = stateSucceeded
		c.ModifiedOn = time.Now().UTC()
		s.putCompute(c)
		return nil
	})
	s.replyCompute(w, http.StatusOK, cur)
}

func sslFromPut(p *sslPut, prev *sslState) *sslState {
	if p == nil {
		return nil
	}
	if p.Renew != nil && *p.Renew && prev != nil {
		renewed := *prev
		renewed.Renew = true
		return &renewed
	}
	st := &sslState{Status: p.Status, Cname: deref(p.Cname), Cert: deref(p.Cert), Key: deref(p.Key), LeafDomainLabel: deref(p.LeafDomainLabel)}
	if p.OverwriteExistingDomain != nil {
		st.OverwriteExistingDomain = *p.OverwriteExistingDomain
	}
	if st.Status == "Disabled" {
		return &sslState{Status: "Disabled"}
	}
	return st
}

func netFromPut(p *aksNetPut) *aksNetState {
	if p == nil {
		return nil
	}
	return &aksNetState{SubnetID: deref(p.SubnetID), ServiceCidr: deref(p.ServiceCidr), DNSServiceIP: deref(p.DNSServiceIP), DockerBridgeCidr: deref(p.DockerBridgeCidr)}
}

// provisionCluster creates the AKS cluster of a successful create — named, as
// azureml-core's are, {compute}{6 hex} in the workspace's resource group — and moves
// the compute to Succeeded.
func (s *Server) provisionCluster(c *computeRecord) {
	suffix := newSecret(3)
	name := strings.ToLower(c.Name)
	cluster := &clusterRecord{
		ID: fmt.Sprintf("/subscriptions/%s/resourcegroups/%s/providers/Microsoft.ContainerService/managedClusters/%s%s",
			s.opts.SubscriptionID, s.opts.ResourceGroup, name, suffix),
		Location:           c.ComputeLocation,
		AgentCount:         c.Pending.AgentCount,
		AgentVMSize:        c.Pending.AgentVMSize,
		Fqdn:               fmt.Sprintf("%s-%s.hcp.%s.azmk8s.io", name, suffix, strings.ToLower(c.ComputeLocation)),
		Networking:         c.Pending.Networking,
		CreatedByWorkspace: true,
		UserToken:          newSecret(16),
		AdminToken:         newSecret(16),
	}
	s.putCluster(cluster)
	props := *c.Pending
	props.ClusterFqdn = cluster.Fqdn
	c.Props, c.Pending = &props, nil
	c.ResourceID = cluster.ID
	c.State = stateSucceeded
	c.ModifiedOn = time.Now().UTC()
}
