package main

import (
	"context"

	"github.com/azureml-go/azureml/compute"
)

func computeUpdateAKS() *command {
	return &command{
		path:    "computetarget update aks",
		aliases: []string{"computetarget update"},
		summary: "change the TLS or load balancer settings of an AKS compute target",
		usage:   "-n NAME [--load-balancer-type TYPE] [--load-balancer-subnet SUBNET] [--ssl-cname CNAME --ssl-cert-file FILE --ssl-key-file FILE | --ssl-leaf-domain-label LABEL [--ssl-overwrite-existing-domain] | --ssl-disable | --ssl-renew] [flags]",
		details: `Changes only what is given and waits until the compute is ready again (unless --no-wait).
TLS: your certificate (--ssl-cname with --ssl-cert-file and --ssl-key-file), a Microsoft-issued
one (--ssl-leaf-domain-label), --ssl-disable, or --ssl-renew (renews a Microsoft-issued
certificate). Load balancer: --load-balancer-type PublicIp|InternalLoadBalancer and, for an
internal one, --load-balancer-subnet. Every setting is checked before anything is sent; the
rules that depend on the current configuration (renewal needs a Microsoft-issued
certificate, a subnet needs an internal load balancer) once the compute is read.`,
		examples: []string{
			"azml computetarget update aks -n myaks --ssl-leaf-domain-label myservice",
			"azml computetarget update aks -n myaks --load-balancer-type InternalLoadBalancer --load-balancer-subnet aks-subnet",
			"azml computetarget update aks -n myaks --ssl-disable",
		},
		setup: func(f *flagSet, g *globals) runFunc {
			var c computeFlags
			var disable, renew bool
			f.String(&c.name, "n,name", "NAME", "compute target name").Required()
			c.lbTypeDef = f.String(&c.lbType, "load-balancer-type", "TYPE", "PublicIp or InternalLoadBalancer")
			f.String(&c.lbSubnet, "load-balancer-subnet", "SUBNET", "subnet of an internal load balancer")
			c.sslCNAMEDef = f.String(&c.sslCNAME, "ssl-cname", "CNAME", "use your certificate for this host name")
			c.sslCertDef = f.String(&c.sslCert, "ssl-cert-file", "FILE", "PEM certificate for --ssl-cname")
			c.sslKeyDef = f.String(&c.sslKey, "ssl-key-file", "FILE", "PEM private key of --ssl-cert-file")
			c.sslLeafDef = f.String(&c.sslLeaf, "ssl-leaf-domain-label", "LABEL", "use a Microsoft-issued certificate for LABEL<random>.<region>.cloudapp.azure.com")
			c.sslOverwriteDef = f.Bool(&c.sslOverwrite, "ssl-overwrite-existing-domain", "replace a domain name already using --ssl-leaf-domain-label")
			disableDef := f.Bool(&disable, "ssl-disable", "turn TLS off")
			renewDef := f.Bool(&renew, "ssl-renew", "renew the Microsoft-issued certificate")
			f.Bool(&c.noWait, "no-wait", "do not wait for the operation to finish")
			return func(ctx context.Context, x *execution) (any, error) {
				ssl, err := c.ssl(f, x.cmd)
				if err != nil {
					return nil, err
				}
				var update compute.SSLUpdate
				if u, ok := ssl.(compute.SSLUpdate); ok { // CustomCert and MicrosoftCert are both
					update = u
				}
				chosen := 0
				for _, set := range []bool{ssl != nil, f.isSet(disableDef) && disable, f.isSet(renewDef) && renew} {
					if set {
						chosen++
					}
				}
				if chosen > 1 {
					return nil, badInput("%s: choose one TLS change: your certificate (--ssl-cname/--ssl-cert-file/--ssl-key-file), a Microsoft certificate (--ssl-leaf-domain-label), --ssl-disable or --ssl-renew", x.cmd)
				}
				switch {
				case disable:
					update = compute.DisableSSL{}
				case renew:
					update = compute.RenewSSL{}
				}
				cfg := compute.UpdateConfiguration{SSL: update, LoadBalancerType: compute.LoadBalancerType(c.lbType), LoadBalancerSubnet: c.lbSubnet}
				if err := joinProblems(x.cmd, computeProblems(x.cmd, compute.ValidateName(c.name)), computeProblems(x.cmd, cfg.Validate())); err != nil {
					return nil, err
				}
				ws, err := x.workspace(ctx)
				if err != nil {
					return nil, err
				}
				aks, err := compute.Get(ctx, ws, c.name)
				if err != nil {
					return nil, err
				}
				if _, err := aks.Update(ctx, cfg); err != nil {
					return nil, computeProblems(x.cmd, err)
				}
				if !c.noWait {
					if err := x.waitCompute(ctx, aks, "Updating"); err != nil {
						return nil, err
					}
				}
				return newComputeView(aks), nil
			}
		},
	}
}
