package main

import (
	"strings"
	"testing"
)

func TestComputeTargetLifecycle(t *testing.T) {
	t.Parallel()
	c := newServerCLI(t)

	var created computeView
	r := c.okJSON(&created, "computetarget", "create", "aks", "-n", "myaks")
	if created.Name != "myaks" || created.ProvisioningState != "Succeeded" || created.IsAttached || created.AgentCount != 3 {
		t.Fatalf("created: %+v", created)
	}
	if !strings.Contains(r.stderr, "Creating compute myaks") || !strings.Contains(r.stderr, "Succeeded") {
		t.Errorf("no progress on stderr:\n%s", r)
	}
	if !strings.Contains(r.stderr, "purpose-unset") {
		t.Errorf("no warning about the unset cluster purpose:\n%s", r)
	}

	var attached computeView
	c.okJSON(&attached, "computetarget", "attach", "aks", "-n", "myaks2", "-i", aksResourceID, "--cluster-purpose", "FastProd")
	if !attached.IsAttached || attached.ProvisioningState != "Succeeded" || !strings.EqualFold(attached.ResourceID, aksResourceID) {
		t.Fatalf("attached: %+v", attached)
	}
	c.fails(exitFailure, []string{"computetarget", "attach", "aks", "-n", "myaks3", "-i", aksResourceID}, "already attached", "myaks2")

	var shown computeView
	c.okJSON(&shown, "computetarget", "show", "-n", "myaks")
	if shown.Name != "myaks" || shown.ClusterFQDN == "" || shown.VMSize != "Standard_D3_v2" {
		t.Errorf("shown: %+v", shown)
	}
	tbl := c.ok("computetarget", "show", "-n", "myaks", "-o", "table").stdout
	if !strings.HasPrefix(tbl, "Name") || !strings.Contains(tbl, "myaks  ") || !strings.Contains(tbl, "Succeeded") {
		t.Errorf("table:\n%s", tbl)
	}

	var list []computeView
	c.okJSON(&list, "computetarget", "list")
	if names := computeNames(list); names != "myaks,myaks2" {
		t.Errorf("list = %s", names)
	}

	var detached operationResult
	c.okJSON(&detached, "computetarget", "detach", "-n", "myaks2")
	if detached.State != "Succeeded" || detached.Operation != "detach" {
		t.Errorf("detach: %+v", detached)
	}
	var deleted operationResult
	c.okJSON(&deleted, "computetarget", "delete", "-n", "myaks")
	if deleted.State != "Succeeded" || deleted.Operation != "delete" {
		t.Errorf("delete: %+v", deleted)
	}
	list = nil
	c.okJSON(&list, "computetarget", "list")
	if len(list) != 0 {
		t.Errorf("list after detach and delete = %s", computeNames(list))
	}
	c.fails(exitFailure, []string{"computetarget", "show", "-n", "myaks"}, "not found")
	// The detached cluster can be attached again.
	c.okJSON(&attached, "computetarget", "attach", "aks", "-n", "again", "--compute-resource-id", aksResourceID)
	c.fails(exitFailure, []string{"computetarget", "delete", "-n", "again"})
}

func computeNames(l []computeView) string {
	names := make([]string, len(l))
	for i, v := range l {
		names[i] = v.Name
	}
	return strings.Join(names, ",")
}

func TestComputeCreateFailureIsExitOne(t *testing.T) {
	t.Parallel()
	c := newServerCLI(t)
	// The SDK does not know the size (a warning); the service refuses it when the
	// operation runs.
	r := c.fails(exitFailure, []string{"computetarget", "create", "aks", "-n", "oddaks", "--vm-size", "Standard_Nope_v9", "--cluster-purpose", "DevTest"},
		"unknown-vm-size", "Standard_Nope_v9", "Failed")
	if r.stdout != "" {
		t.Errorf("stdout on failure: %q", r.stdout)
	}
}

func TestComputeNoWaitFinishesInTheNextInvocation(t *testing.T) {
	t.Parallel()
	c := newLocalCLI(t)
	var v computeView
	c.okJSON(&v, "computetarget", "create", "aks", "-n", "later", "--cluster-purpose", "DevTest", "--no-wait")
	if v.ProvisioningState != "Creating" {
		t.Fatalf("state after --no-wait = %q", v.ProvisioningState)
	}
	// The embedded local workspace stopped with the process; the next one reloads its
	// state and finishes the operation.
	c.okJSON(&v, "computetarget", "show", "-n", "later")
	if v.ProvisioningState != "Succeeded" {
		t.Errorf("state in the next invocation = %q", v.ProvisioningState)
	}
}

// TestComputeTargetUpdate changes TLS and the load balancer of a compute with
// computetarget update aks, and waits for each change.
func TestComputeTargetUpdate(t *testing.T) {
	t.Parallel()
	c := newServerCLI(t)
	c.ok("computetarget", "create", "aks", "-n", "updaks", "--cluster-purpose", "DevTest", "-a", "1")

	// Renewal needs a Microsoft-issued certificate: refused once the compute is read.
	c.fails(exitBadInput, []string{"computetarget", "update", "aks", "-n", "updaks", "--ssl-renew"}, "renew")

	var v computeView
	r := c.okJSON(&v, "computetarget", "update", "aks", "-n", "updaks", "--ssl-leaf-domain-label", "myservice")
	if v.ProvisioningState != "Succeeded" || v.SSLStatus != "Auto" { // a Microsoft-issued certificate
		t.Fatalf("after TLS on: %+v\n%s", v, r)
	}
	if !strings.Contains(r.stderr, "Updating compute updaks") {
		t.Errorf("no progress on stderr:\n%s", r)
	}
	c.okJSON(&v, "computetarget", "update", "aks", "-n", "updaks", "--ssl-renew")
	if v.SSLStatus != "Auto" {
		t.Errorf("after renew: %+v", v)
	}
	c.okJSON(&v, "computetarget", "update", "-n", "updaks", "--ssl-disable")
	if v.SSLStatus != "Disabled" {
		t.Errorf("after TLS off: %+v", v)
	}
	c.okJSON(&v, "computetarget", "update", "aks", "-n", "updaks", "--load-balancer-type", "InternalLoadBalancer", "--load-balancer-subnet", "aks-subnet")
	if v.LoadBalancerType != "InternalLoadBalancer" || v.LoadBalancerSubnet != "aks-subnet" {
		t.Errorf("after the load balancer change: %+v", v)
	}
	c.okJSON(&v, "computetarget", "show", "-n", "updaks")
	if v.LoadBalancerType != "InternalLoadBalancer" || v.SSLStatus != "Disabled" {
		t.Errorf("shown: %+v", v)
	}
	c.fails(exitFailure, []string{"computetarget", "update", "aks", "-n", "nosuchaks", "--ssl-disable"}, "nosuchaks")
}
