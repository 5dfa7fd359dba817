package endpoint

import "slices"

// OpKind is the kind of a version operation.
type OpKind int

// The version operations of an endpoint (azureml-core create_version,
// update_version, delete_version).
const (
	OpCreate OpKind = iota + 1
	OpUpdate
	OpDelete
)

// String returns "create", "update" or "delete".
func (k OpKind) String() string {
	switch k {
	case OpCreate:
		return "create"
	case OpUpdate:
		return "update"
	case OpDelete:
		return "delete"
	}
	return "unknown"
}

// VersionOp is the traffic side of one version operation: what it does to
// the plan. Nil fields leave the version's setting as it is (for a create:
// percentile 0, not default, no type).
type VersionOp struct {
	// Kind is create, update or delete.
	Kind OpKind
	// Version is the version created, updated or deleted.
	Version string
	// TrafficPercentile sets the version's explicit percentile.
	TrafficPercentile *float64
	// IsDefault true makes the version the default and every other version
	// not the default; false (update only) makes it not the default.
	IsDefault *bool
	// IsControl true makes the version the control and every other version a
	// treatment; false (update only) makes it a treatment.
	IsControl *bool
}

// PlanChange is a traffic plan before and after a set of version operations.
type PlanChange struct {
	Before, After TrafficPlan
}

// Apply applies ops, in order, to the plan exactly as the service applies
// the JSON Patch that CreateVersion, UpdateVersion and DeleteVersion send
// (including the flips of the other versions' isDefault and type), and
// validates the resulting plan. The error, a *PlanError, names every problem
// at once: operations on versions that do not exist (or creates of versions
// that do) and every rule the resulting plan breaks. The change is returned
// also when there are problems, so it can be explained.
func (p TrafficPlan) Apply(ops ...VersionOp) (PlanChange, error) {
	after, ps := p.apply(ops)
	if err := after.Validate(); err != nil {
		ps = append(ps, err.(*PlanError).Problems...)
	}
	return PlanChange{Before: p.clone(), After: after}, ps.err()
}

func (p TrafficPlan) apply(ops []VersionOp) (TrafficPlan, planProblems) {
	next := p.clone()
	var ps planProblems
	for _, op := range ops {
		i := next.index(op.Version)
		switch op.Kind {
		case OpCreate:
			if i >= 0 {
				ps.add(RuleVersionExists, op.Version, "version %s already exists", quoteName(op.Version))
				continue
			}
			next.Versions = append(next.Versions, VersionTraffic{Name: op.Version})
			if op.IsControl != nil && !*op.IsControl {
				op.IsControl = nil // a create sends no type unless it is the control
			}
			next.set(len(next.Versions)-1, op)
		case OpUpdate:
			if i < 0 {
				ps.add(RuleUnknownVersion, op.Version, "version %s does not exist", quoteName(op.Version))
				continue
			}
			next.set(i, op)
		case OpDelete:
			if i < 0 {
				ps.add(RuleUnknownVersion, op.Version, "version %s does not exist", quoteName(op.Version))
				continue
			}
			next.Versions = slices.Delete(next.Versions, i, i+1)
		default:
			ps.add(RuleUnknownVersion, op.Version, "version %s: unknown operation %d", quoteName(op.Version), int(op.Kind))
		}
	}
	return next, ps
}

// set applies the traffic fields of op to version i, flipping the others as
// the JSON Patch does.
func (p TrafficPlan) set(i int, op VersionOp) {
	v := &p.Versions[i]
	if op.TrafficPercentile != nil {
		v.Percentile = *op.TrafficPercentile
	}
	if op.IsDefault != nil {
		v.IsDefault = *op.IsDefault
		if *op.IsDefault {
			for j := range p.Versions {
				if j != i {
					p.Versions[j].IsDefault = false
				}
			}
		}
	}
	if op.IsControl != nil {
		if *op.IsControl {
			v.Type = VersionTypeControl
			for j := range p.Versions {
				if j != i {
					p.Versions[j].Type = VersionTypeTreatment
				}
			}
		} else {
			v.Type = VersionTypeTreatment
		}
	}
}
