package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/azureml-go/azureml/compute"
)

func computeCommands() []*command {
	return []*command{
		computeCreateAKS(),
		computeAttachAKS(),
		computeUpdateAKS(),
		computeDetach(),
		computeDelete(),
		computeShow(),
		computeList(),
	}
}

// computeFields maps the SDK's configuration fields to azml's flags, so that a
// validation problem names the flag the user typed.
var computeFields = map[string]string{
	"name":                        "-n/--name",
	"Name":                        "-n/--name",
	"AgentCount":                  "-a/--agent-count",
	"VMSize":                      "--vm-size",
	"ClusterPurpose":              "--cluster-purpose",
	"Location":                    "-l/--location",
	"LoadBalancerType":            "--load-balancer-type",
	"LoadBalancerSubnet":          "--load-balancer-subnet",
	"ResourceID":                  "-i/--compute-resource-id",
	"SSL":                         "--ssl-*",
	"SSL.CNAME":                   "--ssl-cname",
	"SSL.CertFile":                "--ssl-cert-file",
	"SSL.KeyFile":                 "--ssl-key-file",
	"SSL.CertPEM":                 "--ssl-cert-file",
	"SSL.KeyPEM":                  "--ssl-key-file",
	"SSL.LeafDomainLabel":         "--ssl-leaf-domain-label",
	"SSL.OverwriteExistingDomain": "--ssl-overwrite-existing-domain",
	"VNet":                        "--vnet-*",
	"VNet.ResourceGroup":          "--vnet-resourcegroup-name",
	"VNet.Name":                   "--vnet-name",
	"VNet.SubnetName":             "--subnet-name",
	"VNet.ServiceCIDR":            "--service-cidr",
	"VNet.DNSServiceIP":           "--dns-service-ip",
	"VNet.DockerBridgeCIDR":       "--docker-bridge-cidr",
	"ResourceGroup":               "-i/--compute-resource-id",
	"ClusterName":                 "-i/--compute-resource-id",
}

// computeProblems rewrites a *compute.ValidationError so that each problem names the
// flag, the SDK field and the rule; other errors are returned unchanged.
func computeProblems(cmd string, err error) error {
	var ve *compute.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	lines := make([]string, 0, len(ve.Problems))
	for _, p := range ve.Problems {
		lines = append(lines, problemLine(computeFields, p.Field, string(p.Rule), p.Message))
	}
	return problemsError(cmd, "invalid AKS "+ve.Operation+" configuration", lines, err)
}

// computeFlags are the flags shared by create aks and attach aks.
type computeFlags struct {
	name              string
	clusterPurpose    string
	lbType, lbSubnet  string
	sslCNAME          string
	sslCert, sslKey   string
	sslLeaf           string
	sslOverwrite      bool
	noWait            bool
	sslCNAMEDef       *flagDef
	sslLeafDef        *flagDef
	sslOverwriteDef   *flagDef
	sslCertDef        *flagDef
	sslKeyDef         *flagDef
	lbTypeDef         *flagDef
	clusterPurposeDef *flagDef
}

func (c *computeFlags) define(f *flagSet) {
	f.String(&c.name, "n,name", "NAME", "compute target name: 3-24 letters, digits and '-', starting with a letter").Required()
	c.clusterPurposeDef = f.String(&c.clusterPurpose, "cluster-purpose", "PURPOSE", "FastProd (at least 12 vCPUs and 3 nodes) or DevTest (default: the service's, FastProd)")
	c.lbTypeDef = f.String(&c.lbType, "load-balancer-type", "TYPE", "PublicIp (default) or InternalLoadBalancer")
	f.String(&c.lbSubnet, "load-balancer-subnet", "SUBNET", "subnet of an internal load balancer (default aks-subnet)")
	c.sslCNAMEDef = f.String(&c.sslCNAME, "ssl-cname", "CNAME", "enable TLS with your certificate for this host name")
	c.sslCertDef = f.String(&c.sslCert, "ssl-cert-file", "FILE", "PEM certificate for --ssl-cname")
	c.sslKeyDef = f.String(&c.sslKey, "ssl-key-file", "FILE", "PEM private key of --ssl-cert-file")
	c.sslLeafDef = f.String(&c.sslLeaf, "ssl-leaf-domain-label", "LABEL", "enable TLS with a Microsoft-issued certificate for LABEL<random>.<region>.cloudapp.azure.com")
	c.sslOverwriteDef = f.Bool(&c.sslOverwrite, "ssl-overwrite-existing-domain", "replace a domain name already using --ssl-leaf-domain-label")
	f.Bool(&c.noWait, "no-wait", "do not wait for the operation to finish")
}

// ssl builds the TLS configuration from the --ssl-* flags.
func (c *computeFlags) ssl(f *flagSet, cmd string) (compute.SSL, error) {
	custom := f.isSet(c.sslCNAMEDef) || f.isSet(c.sslCertDef) || f.isSet(c.sslKeyDef)
	microsoft := f.isSet(c.sslLeafDef) || f.isSet(c.sslOverwriteDef)
	switch {
	case custom && microsoft:
		return nil, badInput("%s: flags --ssl-cname/--ssl-cert-file/--ssl-key-file (your certificate) and --ssl-leaf-domain-label (a Microsoft certificate) cannot be combined", cmd)
	case custom:
		return compute.CustomCert{CNAME: c.sslCNAME, CertFile: c.sslCert, KeyFile: c.sslKey}, nil
	case microsoft:
		return compute.MicrosoftCert{LeafDomainLabel: c.sslLeaf, OverwriteExistingDomain: c.sslOverwrite}, nil
	}
	return nil, nil
}

// waitCompute waits for the operation started on c, showing progress.
func (x *execution) waitCompute(ctx context.Context, c *compute.AksCompute, label string) error {
	p := x.progress("%s compute %s", label, c.Name())
	err := c.WaitForCompletion(ctx, &compute.WaitOptions{
		Frequency:  x.pollInterval(),
		OnProgress: func(e compute.ProgressEvent) { p.State(e.State) },
	})
	p.finish(err)
	return err
}

// warn prints non-fatal findings on stderr.
func (x *execution) warn(lines ...string) {
	for _, l := range lines {
		fmt.Fprintf(x.app.stderr, "azml: warning: %s\n", l)
	}
}

func computeWarnings(ps []compute.Problem) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = problemLine(computeFields, p.Field, string(p.Rule), p.Message)
	}
	return out
}

func computeCreateAKS() *command {
	return &command{
		path:    "computetarget create aks",
		summary: "provision a new AKS cluster as a compute target",
		usage:   "-n NAME [-a COUNT] [--vm-size SIZE] [--cluster-purpose FastProd|DevTest] [flags]",
		details: `Provisions a new AKS cluster in the workspace's subscription and waits until it is ready
(unless --no-wait). Every setting is checked before anything is sent; unset settings are
left to the service: 3 x Standard_D3_v2 nodes, FastProd, public IP, no TLS.`,
		examples: []string{
			"azml computetarget create aks -n myaks",
			"azml computetarget create aks -n devaks --cluster-purpose DevTest -a 1 --vm-size Standard_D2_v2",
		},
		setup: func(f *flagSet, g *globals) runFunc {
			var c computeFlags
			var agents optInt
			var vmSize, location string
			var vnet compute.VNetConfiguration
			c.define(f)
			f.Int(&agents, "a,agent-count", "COUNT", "number of nodes (default: 3 for FastProd, 1 for DevTest)")
			f.String(&vmSize, "vm-size", "SIZE", "node VM size (default Standard_D3_v2)")
			f.String(&location, "l,location", "REGION", "region of the cluster (default: the workspace's)")
			vnetDefs := []*flagDef{
				f.String(&vnet.ResourceGroup, "vnet-resourcegroup-name", "NAME", "resource group of the virtual network"),
				f.String(&vnet.Name, "vnet-name", "NAME", "virtual network to place the cluster in"),
				f.String(&vnet.SubnetName, "subnet-name", "NAME", "subnet of --vnet-name for the nodes"),
				f.String(&vnet.ServiceCIDR, "service-cidr", "CIDR", "Kubernetes service address range, e.g. 10.0.0.0/16"),
				f.String(&vnet.DNSServiceIP, "dns-service-ip", "IP", "cluster DNS address inside --service-cidr, e.g. 10.0.0.10"),
				f.String(&vnet.DockerBridgeCIDR, "docker-bridge-cidr", "CIDR", "Docker bridge address range, e.g. 172.17.0.1/16"),
			}
			return func(ctx context.Context, x *execution) (any, error) {
				ssl, err := c.ssl(f, x.cmd)
				if err != nil {
					return nil, err
				}
				cfg := compute.ProvisioningConfiguration{
					AgentCount:         agents.v,
					VMSize:             vmSize,
					ClusterPurpose:     compute.ClusterPurpose(c.clusterPurpose),
					Location:           location,
					SSL:                ssl,
					LoadBalancerType:   compute.LoadBalancerType(c.lbType),
					LoadBalancerSubnet: c.lbSubnet,
				}
				if agents.set && agents.v == 0 {
					return nil, badInput("%s: flag -a/--agent-count: must be greater than 0, got 0", x.cmd)
				}
				for _, d := range vnetDefs {
					if f.isSet(d) {
						cfg.VNet = &vnet
					}
				}
				if err := joinProblems(x.cmd, computeProblems(x.cmd, compute.ValidateName(c.name)), computeProblems(x.cmd, cfg.Validate())); err != nil {
					return nil, err
				}
				x.warn(computeWarnings(cfg.Warnings())...)
				ws, err := x.workspace(ctx)
				if err != nil {
					return nil, err
				}
				aks, err := compute.Create(ctx, ws, c.name, cfg)
				if err != nil {
					return nil, computeProblems(x.cmd, err)
				}
				if !c.noWait {
					if err := x.waitCompute(ctx, aks, "Creating"); err != nil {
						return nil, err
					}
				}
				return newComputeView(aks), nil
			}
		},
	}
}

func computeAttachAKS() *command {
	return &command{
		path:    "computetarget attach aks",
		summary: "attach an existing AKS cluster as a compute target",
		usage:   "-n NAME -i AKS_RESOURCE_ID [flags]",
		details: `Attaches an existing AKS cluster (give its ARM resource id) and waits until it is ready
(unless --no-wait). A cluster already attached to the workspace under another name is
refused: attaching one cluster twice breaks the first attachment.`,
		examples: []string{
			"azml computetarget attach aks -n myaks2 -i /subscriptions/SUB/resourceGroups/RG/providers/Microsoft.ContainerService/managedClusters/CLUSTER -g myrg -w myws",
		},
		setup: func(f *flagSet, g *globals) runFunc {
			var c computeFlags
			var resourceID string
			c.define(f)
			f.String(&resourceID, "i,compute-resource-id,resource-id", "ID", "ARM id of the AKS cluster (/subscriptions/.../providers/Microsoft.ContainerService/managedClusters/NAME)").Required()
			return func(ctx context.Context, x *execution) (any, error) {
				ssl, err := c.ssl(f, x.cmd)
				if err != nil {
					return nil, err
				}
				cfg := compute.AttachConfiguration{
					ResourceID:         resourceID,
					ClusterPurpose:     compute.ClusterPurpose(c.clusterPurpose),
					LoadBalancerType:   compute.LoadBalancerType(c.lbType),
					LoadBalancerSubnet: c.lbSubnet,
					SSL:                ssl,
				}
				if err := joinProblems(x.cmd, computeProblems(x.cmd, compute.ValidateName(c.name)), computeProblems(x.cmd, cfg.Validate())); err != nil {
					return nil, err
				}
				x.warn(computeWarnings(cfg.Warnings())...)
				ws, err := x.workspace(ctx)
				if err != nil {
					return nil, err
				}
				aks, err := compute.Attach(ctx, ws, c.name, cfg)
				if err != nil {
					return nil, computeProblems(x.cmd, err)
				}
				if !c.noWait {
					if err := x.waitCompute(ctx, aks, "Attaching"); err != nil {
						return nil, err
					}
				}
				return newComputeView(aks), nil
			}
		},
	}
}

// computeRemove is detach or delete.
func computeRemove(verb, summary, details string, remove func(context.Context, *compute.AksCompute) (*compute.Operation, error)) *command {
	return &command{
		path:     "computetarget " + verb,
		summary:  summary,
		usage:    "-n NAME [--no-wait] [flags]",
		details:  details,
		examples: []string{"azml computetarget " + verb + " -n myaks"},
		setup: func(f *flagSet, g *globals) runFunc {
			var name string
			var noWait bool
			f.String(&name, "n,name", "NAME", "compute target name").Required()
			f.Bool(&noWait, "no-wait", "do not wait for the operation to finish")
			return func(ctx context.Context, x *execution) (any, error) {
				if err := computeProblems(x.cmd, compute.ValidateName(name)); err != nil {
					return nil, err
				}
				ws, err := x.workspace(ctx)
				if err != nil {
					return nil, err
				}
				aks, err := compute.Get(ctx, ws, name)
				if err != nil {
					return nil, err
				}
				op, err := remove(ctx, aks)
				if err != nil {
					return nil, err
				}
				res := &operationResult{Name: name, Operation: verb, OperationID: op.ID(), State: "InProgress"}
				if noWait {
					return res, nil
				}
				label := map[string]string{"detach": "Detaching", "delete": "Deleting"}[verb]
				p := x.progress("%s compute %s", label, name)
				err = op.Wait(ctx, &compute.WaitOptions{Frequency: x.pollInterval(), OnProgress: func(e compute.ProgressEvent) { p.State(e.State) }})
				p.finish(err)
				if err != nil {
					return nil, err
				}
				res.State = "Succeeded"
				return res, nil
			}
		},
	}
}

func computeDetach() *command {
	return computeRemove("detach", "detach an AKS compute target, keeping the cluster",
		"Removes the compute target from the workspace; the AKS cluster is kept and can be attached again.",
		func(ctx context.Context, c *compute.AksCompute) (*compute.Operation, error) { return c.Detach(ctx) })
}

func computeDelete() *command {
	return computeRemove("delete", "delete an AKS compute target and its cluster",
		"Removes the compute target and deletes the AKS cluster the workspace created. A cluster that\nwas only attached cannot be deleted this way: detach it.",
		func(ctx context.Context, c *compute.AksCompute) (*compute.Operation, error) { return c.Delete(ctx) })
}

func computeShow() *command {
	return &command{
		path:     "computetarget show",
		summary:  "show an AKS compute target",
		usage:    "-n NAME [flags]",
		examples: []string{"azml computetarget show -n myaks -o table"},
		setup: func(f *flagSet, g *globals) runFunc {
			var name string
			f.String(&name, "n,name", "NAME", "compute target name").Required()
			return func(ctx context.Context, x *execution) (any, error) {
				if err := computeProblems(x.cmd, compute.ValidateName(name)); err != nil {
					return nil, err
				}
				ws, err := x.workspace(ctx)
				if err != nil {
					return nil, err
				}
				aks, err := compute.Get(ctx, ws, name)
				if err != nil {
					return nil, err
				}
				return newComputeView(aks), nil
			}
		},
	}
}

func computeList() *command {
	return &command{
		path:     "computetarget list",
		summary:  "list the compute targets of the workspace",
		usage:    "[flags]",
		details:  "Lists every compute target; AKS targets are shown in full, others by name, type and state.",
		examples: []string{"azml computetarget list -o table"},
		setup: func(f *flagSet, g *globals) runFunc {
			return func(ctx context.Context, x *execution) (any, error) {
				ws, err := x.workspace(ctx)
				if err != nil {
					return nil, err
				}
				out := computeListView{}
				pager := compute.List(ws, nil)
				for pager.More() {
					page, err := pager.NextPage(ctx)
					if err != nil {
						return nil, err
					}
					for _, c := range page.Computes {
						out = append(out, newComputeView(c))
					}
					for _, o := range page.Others {
						out = append(out, &computeView{Name: o.Name, ID: o.ID, ComputeType: o.ComputeType,
							ProvisioningState: string(o.ProvisioningState), ResourceID: o.ResourceID, IsAttached: o.IsAttached})
					}
				}
				return out, nil
			}
		},
	}
}
