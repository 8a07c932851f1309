#!/bin/sh
# A LocalStack-style script against `cfnrun up`: a REST API whose method
# needs an API key, then a key and a usage plan for its stage (setup); the
# usage plan key (plankey); and everything taken away again (teardown).
#
#   AWS=aws ENDPOINT=http://127.0.0.1:8080 sh apikeys.sh setup NAME
#   ... sh apikeys.sh plankey PLAN KEY
#   ... sh apikeys.sh teardown API KEY PLAN
set -eu
a() { "$AWS" --endpoint-url "$ENDPOINT" --output text apigateway "$@"; }

case "$1" in
setup)
	API=$(a create-rest-api --name "$2" --query id)
	ROOT=$(a get-resources --rest-api-id "$API" --query 'items[0].id')
	RES=$(a create-resource --rest-api-id "$API" --parent-id "$ROOT" --path-part items --query id)
	a put-method --rest-api-id "$API" --resource-id "$RES" --http-method GET \
		--authorization-type NONE --api-key-required >/dev/null
	a put-integration --rest-api-id "$API" --resource-id "$RES" --http-method GET --type MOCK \
		--request-templates '{"application/json": "{\"statusCode\": 200}"}' >/dev/null
	a put-method-response --rest-api-id "$API" --resource-id "$RES" --http-method GET --status-code 200 >/dev/null
	a put-integration-response --rest-api-id "$API" --resource-id "$RES" --http-method GET --status-code 200 \
		--response-templates '{"application/json": "{\"items\": []}"}' >/dev/null
	a create-deployment --rest-api-id "$API" --stage-name local >/dev/null
	KEY=$(a create-api-key --name "$2-key" --enabled --value "$2-key-value-0123456789" --query id)
	PLAN=$(a create-usage-plan --name "$2-plan" --api-stages "apiId=$API,stage=local" \
		--throttle burstLimit=2,rateLimit=0.001 --quota limit=1000,period=DAY --query id)
	echo "$API $KEY $PLAN"
	;;
plankey)
	a create-usage-plan-key --usage-plan-id "$2" --key-id "$3" --key-type API_KEY >/dev/null
	;;
teardown)
	a delete-usage-plan-key --usage-plan-id "$4" --key-id "$3"
	a update-usage-plan --usage-plan-id "$4" \
		--patch-operations "op=remove,path=/apiStages,value=$2:local" >/dev/null
	a delete-usage-plan --usage-plan-id "$4"
	a delete-api-key --api-key "$3"
	a delete-rest-api --rest-api-id "$2"
	;;
esac
