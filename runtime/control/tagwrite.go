package control

import (
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/cfnrun/cfnrun/internal/model"
)

// tag-resource and untag-resource, for the ARNs get-tags answers: REST
// APIs, their stages, API keys and usage plans.

type tagResourceRequest struct {
	Tags map[string]string `json:"tags"`
}

func tagResource(rq *request) (int, any, error) {
	var body tagResourceRequest
	if err := rq.decode(&body); err != nil {
		return 0, nil, err
	}
	if len(body.Tags) == 0 {
		return 0, nil, badRequest("Invalid tags: at least one is required")
	}
	for k := range body.Tags {
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			return 0, nil, badRequest("Tag keys starting with 'aws:' are reserved: %s", k)
		}
	}
	keys := slices.Sorted(maps.Keys(body.Tags))
	err := rq.retag(func(tags model.Tags) model.Tags {
		tags = maps.Clone(tags)
		if tags == nil {
			tags = model.Tags{}
		}
		maps.Copy(tags, body.Tags)
		return tags
	}, "tag-resource "+strings.Join(keys, ","))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

func untagResource(rq *request) (int, any, error) {
	keys := rq.q["tagKeys"]
	if len(keys) == 0 {
		return 0, nil, badRequest("Invalid tagKeys: at least one is required")
	}
	err := rq.retag(func(tags model.Tags) model.Tags {
		tags = maps.Clone(tags)
		for _, k := range keys {
			delete(tags, k)
		}
		if len(tags) == 0 {
			return nil
		}
		return tags
	}, "untag-resource "+strings.Join(keys, ","))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

// retag replaces the tags of what the ARN in segment 1 names with
// f(its tags), logging line as its drift.
func (rq *request) retag(f func(model.Tags) model.Tags, line string) error {
	arn := rq.segs[1]
	_, path, ok := strings.Cut(arn, "::/")
	if !ok || !strings.HasPrefix(arn, "arn:aws:apigateway:") {
		return badRequest("Invalid ARN specified in the request")
	}
	parts := strings.Split(path, "/")
	missing := notFound("Invalid resource identifier specified: %s", arn)
	_, err := rq.changeTemplate(func(t *model.Template) (string, string, string, error) {
		switch {
		case len(parts) == 2 && parts[0] == "restapis", len(parts) == 4 && parts[0] == "restapis" && parts[2] == "stages":
			i := slices.IndexFunc(t.APIs, func(a *model.RestAPI) bool { return a.ID == parts[1] })
			if i < 0 {
				return "", "", "", missing
			}
			a := *t.APIs[i]
			t.APIs = slices.Clone(t.APIs)
			t.APIs[i] = &a
			if len(parts) == 2 {
				a.Tags = f(a.Tags)
				return line + " " + a.ID, a.ID, a.ID, nil
			}
			st := cloneStage(&a, parts[3])
			if st == nil {
				return "", "", "", missing
			}
			st.Tags = f(st.Tags)
			return line + " stage " + st.Name, a.ID + "/" + st.Name, a.ID, nil
		case len(parts) == 2 && parts[0] == "apikeys":
			k, err := editKey(t, parts[1])
			if err != nil {
				return "", "", "", missing
			}
			k.Tags = f(k.Tags)
			return line + " " + k.ID, apiKeyDrift(k.ID), k.ID, nil
		case len(parts) == 2 && parts[0] == "usageplans":
			up, err := editPlan(t, parts[1])
			if err != nil {
				return "", "", "", missing
			}
			up.Tags = f(up.Tags)
			return line + " " + up.ID, usagePlanDrift(up.ID), up.ID, nil
		}
		return "", "", "", missing
	})
	return err
}
