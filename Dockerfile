# cfnrun in a container: a static binary on distroless, as a non-root user.
#
#   docker build -t cfnrun .
#   docker run --rm -p 8080:8080 -p 8443:8443 cfnrun                 # the embedded default (the seed article's template)
#   docker run --rm -p 8080:8080 cfnrun up --addr 0.0.0.0:8080 --tls-addr "" examples/mock-cors/template.yaml
#   docker run --rm -p 8080:8080 -v "$PWD:/work:ro" cfnrun up --addr 0.0.0.0:8080 --tls-addr "" /work/template.yaml
#
# The image has templates/ and examples/ under its working directory
# (/srv/cfnrun). It serves HTTP, HTTP_PROXY, MOCK and AWS integrations; it
# has no language runtimes, so Lambda functions run elsewhere (up --lambda
# NAME=URL to a Lambda Invoke API) or in an image built FROM this one with
# node/python added. deploy/ runs several replicas sharing limits in Redis.

ARG GO_VERSION=1.26

FROM golang:${GO_VERSION} AS build
WORKDIR /src
COPY go.mod go.sum ./
# go.mod replaces go-textseg/v15, yaml.v3, go-cty, regexp2 and hcl/v2 with the forks there (internal/fork/*/FORK.md).
COPY internal/fork/ internal/fork/
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/cfnrun ./cmd/cfnrun

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/cfnrun /usr/local/bin/cfnrun
WORKDIR /srv/cfnrun
COPY templates/default.yaml templates/
COPY examples/ examples/
# nonroot (65532): the token key and the Lambda code cache go under its
# $HOME/.cache.
USER 65532:65532
EXPOSE 8080 8443
ENTRYPOINT ["/usr/local/bin/cfnrun"]
CMD ["up", "--addr", "0.0.0.0:8080", "--tls-addr", "0.0.0.0:8443"]
