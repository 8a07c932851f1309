package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/cfnrun/cfnrun/internal/jwt"
	"github.com/cfnrun/cfnrun/internal/model"
)

// defaultTokenKey is where the key `cfnrun token` signs with, and `up`
// verifies with, lives: the user's cache directory, made on first use.
func defaultTokenKey() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "cfnrun", "token-key.pem")
}

func tokenCommand() command {
	c := command{
		name:    "token",
		summary: "mint a signed Cognito user pool token that cfnrun up accepts, for a template's Cognito authorizer",
		usage:   "cfnrun token [--scope S]... [--sub ID] [--claim K=V]... FILE...",
		example: "cfnrun token examples/access/template.yaml --scope access-demo/profile\n" +
			"curl -H \"Authorization: $(cfnrun token --scope access-demo/profile examples/access/template.yaml)\" http://127.0.0.1:8080/prod/me",
	}
	c.run = func(e *env, args []string) int {
		fs := newFlagSet(e, &c)
		pool := fs.String("pool", "", "user pool `id` to mint for (default: the only pool the template's Cognito authorizers name)")
		client := fs.String("client", "", "app client `id` for aud / client_id (default: the pool's first app client in the template, else cfnrunlocalclient)")
		scopes := &listFlag{}
		fs.Var(scopes, "scope", "OAuth `scope` for an access token (repeatable); without --scope the token is an ID token")
		sub := fs.String("sub", "00000000-0000-4000-8000-000000000001", "the user's `id` (sub claim)")
		user := fs.String("username", "test-user", "cognito:username (and username) `name`")
		claims := kvFlag{}
		fs.Var(claims, "claim", "an extra claim: `name=value` (repeatable)")
		ttl := fs.Duration("ttl", time.Hour, "how long the token is valid")
		keyFile := fs.String("token-key", defaultTokenKey(), "RSA key `file` to sign with (made on first use; cfnrun up verifies with the same file)")
		printJWKS := fs.Bool("jwks", false, "print the key's public JWKS instead of a token")
		in := addInputFlags(fs)
		if code, ok := parseFlags(e, fs, args); !ok {
			return code
		}
		key, err := jwt.LoadOrCreateKey(*keyFile)
		if err != nil {
			fmt.Fprintf(e.stderr, "cfnrun token: the signing key: %v\n", err)
			return exitUsage
		}
		kid := jwt.KeyID(&key.PublicKey)
		if *printJWKS {
			fmt.Fprintf(e.stdout, "%s\n", jwt.JWKS(jwt.Key{ID: kid, Alg: "RS256", Pub: &key.PublicKey}))
			return exitOK
		}
		r, code, ok := resolveForCommand(e, "token", fs.Args(), in, true)
		if !ok {
			return code
		}
		var pools []model.CognitoPool
		audience := map[string]string{} // pool id -> an HTTP API JWT authorizer's first audience
		for _, api := range r.Template.APIs {
			for _, au := range api.Authorizers {
				if p, ok := model.ParseCognitoIssuer(au.JWTIssuer); ok && strings.EqualFold(au.Type, "JWT") {
					if !slices.ContainsFunc(pools, func(q model.CognitoPool) bool { return q.ID == p.ID }) {
						pools = append(pools, p)
					}
					if _, ok := audience[p.ID]; !ok && len(au.JWTAudience) > 0 {
						audience[p.ID] = au.JWTAudience[0]
					}
					continue
				}
				if !strings.EqualFold(au.Type, "COGNITO_USER_POOLS") {
					continue
				}
				for _, p := range au.Pools() {
					if p.ID != "" && !slices.ContainsFunc(pools, func(q model.CognitoPool) bool { return q.ID == p.ID }) {
						pools = append(pools, p)
					}
				}
			}
		}
		var ids []string
		for _, p := range pools {
			ids = append(ids, p.ID)
		}
		var chosen *model.CognitoPool
		for i := range pools {
			if *pool == "" && len(pools) == 1 || pools[i].ID == *pool {
				chosen = &pools[i]
			}
		}
		switch {
		case len(pools) == 0:
			fmt.Fprintf(e.stderr, "cfnrun token: the template has no COGNITO_USER_POOLS authorizer with a user pool in ProviderARNs, and no JWT authorizer whose issuer is a user pool\n")
			return exitUsage
		case chosen == nil && *pool == "":
			fmt.Fprintf(e.stderr, "cfnrun token: the template's authorizers name %d user pools (%s); choose one with --pool\n", len(pools), strings.Join(ids, ", "))
			return exitUsage
		case chosen == nil:
			fmt.Fprintf(e.stderr, "cfnrun token: no Cognito authorizer of the template names pool %q; its pools: %s\n", *pool, strings.Join(ids, ", "))
			return exitUsage
		}
		clientID := "cfnrunlocalclient"
		if a, ok := audience[chosen.ID]; ok {
			clientID = a
		}
		if cs := r.Template.PoolClients(chosen.ID); len(cs) > 0 {
			clientID = cs[0].ID
		}
		if *client != "" {
			clientID = *client
		}
		now := time.Now()
		cl := map[string]any{
			"iss": chosen.Issuer(), "sub": *sub, "iat": now.Unix(), "auth_time": now.Unix(), "exp": now.Add(*ttl).Unix(),
			"jti": fmt.Sprintf("%x", now.UnixNano()),
		}
		if len(*scopes) > 0 {
			cl["token_use"], cl["scope"], cl["client_id"], cl["username"] = "access", strings.Join(*scopes, " "), clientID, *user
		} else {
			cl["token_use"], cl["aud"], cl["cognito:username"] = "id", clientID, *user
		}
		for k, v := range claims {
			cl[k] = v
		}
		tok, err := jwt.Sign(key, kid, cl)
		if err != nil {
			fmt.Fprintf(e.stderr, "cfnrun token: signing: %v\n", err)
			return exitUsage
		}
		fmt.Fprintln(e.stdout, tok)
		return exitOK
	}
	return c
}
