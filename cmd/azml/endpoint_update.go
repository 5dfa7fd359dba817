package main

import (
	"context"

	"github.com/azureml-go/azureml/endpoint"
	"github.com/azureml-go/azureml/model"
)

// endpointUpdateFields maps the fields of endpoint.EndpointUpdate's problems to flags.
var endpointUpdateFields = map[string]string{
	"AuthEnabled/TokenAuthEnabled": "--auth-enabled/--token-auth-enabled",
	"EnableAppInsights":            "--enable-app-insights",
	"Properties":                   "--add-property",
	"Tags":                         "--add-tag",
	"Description":                  "--description",
}

func endpointUpdate() *command {
	return &command{
		path:    "endpoint update",
		aliases: []string{"endpoint realtime update"},
		summary: "change an AKS endpoint's authentication, App Insights, tags, description or properties",
		usage:   "-n NAME [--auth-enabled[=false]] [--token-auth-enabled[=false]] [--enable-app-insights[=false]] [--description TEXT] [--add-tag KEY=VALUE]... [--remove-tag KEY]... [--add-property KEY=VALUE]... [flags]",
		details: `Changes the endpoint itself, not its versions (see 'azml endpoint version update'): only
what is given. Key and token authentication cannot both be on: to switch, turn one on and
the other off in the same command. Properties are add-only. Waits for the update unless
--no-wait.`,
		examples: []string{
			"azml endpoint update -n myendpoint --token-auth-enabled --auth-enabled=false",
			"azml endpoint update -n myendpoint --add-tag stage=prod --description 'blue/green rollout'",
		},
		setup: func(f *flagSet, g *globals) runFunc {
			var name, description string
			var auth, tokenAuth, appInsights optBool
			var addTags, removeTags, addProps []string
			var noWait bool
			f.String(&name, "n,name", "NAME", "endpoint name").Required()
			f.OptBool(&auth, "key-auth-enabled,auth-enabled", "key authentication: --auth-enabled or --auth-enabled=false")
			f.OptBool(&tokenAuth, "token-auth-enabled", "token authentication: --token-auth-enabled or --token-auth-enabled=false")
			f.OptBool(&appInsights, "ai,enable-app-insights", "Application Insights logging: --enable-app-insights or --enable-app-insights=false")
			descriptionDef := f.String(&description, "description", "TEXT", "new description")
			f.Strings(&addTags, "add-tag", "KEY=VALUE", "tag to add or change")
			f.Strings(&removeTags, "remove-tag", "KEY", "tag to remove")
			f.Strings(&addProps, "add-property", "KEY=VALUE", "property to add (properties cannot be changed)")
			f.Bool(&noWait, "no-wait", "do not wait for the update to finish")
			return func(ctx context.Context, x *execution) (any, error) {
				if !auth.set && !tokenAuth.set && !appInsights.set && !f.isSet(descriptionDef) &&
					len(addTags) == 0 && len(removeTags) == 0 && len(addProps) == 0 {
					return nil, badInput("%s: nothing to update: give --auth-enabled, --token-auth-enabled, --enable-app-insights, --description, --add-tag, --remove-tag or --add-property (see 'azml %s --help')", x.cmd, x.cmd)
				}
				u := endpoint.EndpointUpdate{AuthEnabled: auth.ptr(), TokenAuthEnabled: tokenAuth.ptr(), EnableAppInsights: appInsights.ptr()}
				if f.isSet(descriptionDef) {
					u.Description = &description
				}
				var errN error
				if err := model.ValidateServiceName(name); err != nil {
					errN = badInput("flag -n/--name: %s", fieldMessage(err))
				}
				tags, errT := parseKeyValues("--add-tag", addTags)
				props, errP := parseKeyValues("--add-property", addProps)
				u.Properties = props
				if len(addTags) > 0 || len(removeTags) > 0 {
					u.Tags = map[string]string{} // the endpoint's tags, edited, once it is read
				}
				errU := serviceProblems(x.cmd, "", endpointUpdateFields, u.Validate())
				if err := joinProblems(x.cmd, errN, errT, errP, errU); err != nil {
					return nil, err
				}
				ep, err := x.getEndpoint(ctx, name)
				if err != nil {
					return nil, err
				}
				if u.Tags != nil {
					u.Tags = editTags(ep.Tags(), tags, removeTags)
				}
				op, err := ep.Update(ctx, u, nil)
				if err != nil {
					return nil, serviceProblems(x.cmd, "", endpointUpdateFields, err)
				}
				if !x.noWait(noWait) {
					p := x.progress("Updating endpoint %s", name)
					err := op.Wait(ctx, x.serviceWait(p))
					p.finish(err)
					if err != nil {
						return nil, err
					}
				}
				return newEndpointView(ep), nil
			}
		},
	}
}
