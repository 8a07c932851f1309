package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/cfnrun/cfnrun/internal/jwt"
	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/runtime"
	"github.com/cfnrun/cfnrun/runtime/redisstate"
)

// maxJWKSBytes bounds a JWKS document read from a file or URL.
const maxJWKSBytes = 1 << 20

// cognitoKeys fills cfg's Cognito keys: the JWKS of each --jwks pool, and,
// when the template has a Cognito authorizer, the key `cfnrun token` signs
// with (made on first use).
func (u *upRun) cognitoKeys(ctx context.Context, cfg *runtime.Config, t *model.Template) error {
	for pool, src := range u.jwks {
		id := pool
		if p := model.ParseCognitoPoolARN(pool); p.ID != "" {
			id = p.ID
		}
		b, err := readJWKS(ctx, src)
		if err != nil {
			return fmt.Errorf("--jwks %s: %v", pool, err)
		}
		keys, err := jwt.ParseJWKS(b)
		if err != nil {
			return fmt.Errorf("--jwks %s: %s: %v", pool, src, err)
		}
		if cfg.CognitoKeys == nil {
			cfg.CognitoKeys = map[string][]jwt.Key{}
		}
		cfg.CognitoKeys[id] = keys
	}
	if !hasCognito(t) {
		return nil
	}
	key, err := jwt.LoadOrCreateKey(u.tokenKey)
	if err != nil {
		return fmt.Errorf("the cfnrun token key (--token-key): %v", err)
	}
	cfg.TokenKeys = []jwt.Key{{ID: jwt.KeyID(&key.PublicKey), Alg: "RS256", Pub: &key.PublicKey}}
	return nil
}

func hasCognito(t *model.Template) bool {
	for _, api := range t.APIs {
		for _, au := range api.Authorizers {
			if strings.EqualFold(au.Type, "COGNITO_USER_POOLS") {
				return true
			}
			if _, ok := model.ParseCognitoIssuer(au.JWTIssuer); ok && strings.EqualFold(au.Type, "JWT") {
				return true // an HTTP API's JWT authorizer for a user pool
			}
		}
	}
	return false
}

func readJWKS(ctx context.Context, src string) ([]byte, error) {
	if !strings.HasPrefix(src, "https://") && !strings.HasPrefix(src, "http://") {
		f, err := os.Open(src)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return io.ReadAll(io.LimitReader(f, maxJWKSBytes))
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", src, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s answered %s", src, resp.Status)
	}
	return io.ReadAll(io.LimitReader(resp.Body, maxJWKSBytes))
}

// sharedState returns the Counters --state names: nil (in memory) when
// empty.
func sharedState(e *env, url, fail string) (runtime.Counters, error) {
	if fail != "open" && fail != "closed" {
		return nil, fmt.Errorf("--state-fail %q: want open or closed", fail)
	}
	if url == "" {
		return nil, nil
	}
	// The store logs failures, at most every 10 seconds, with what the
	// gateway does about them.
	c, err := redisstate.New(url, redisstate.Options{FailClosed: fail == "closed", Logger: slog.New(slog.NewTextHandler(e.stderr, nil))})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(e.ctx, 2*time.Second)
	defer cancel()
	if err := c.Ping(ctx); err != nil {
		fmt.Fprintf(e.stderr, "cfnrun up: --state %s does not answer yet (%v); serving, failing %s until it does\n", url, err, fail)
	}
	return c, nil
}

// parseThrottle reads --account-throttle's RATE/BURST: a positive rate
// in requests per second and a positive burst.
func parseThrottle(v string) (float64, int, error) {
	r, b, ok := strings.Cut(v, "/")
	rate, err1 := strconv.ParseFloat(r, 64)
	burst, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || !(rate > 0) || math.IsInf(rate, 0) || burst <= 0 {
		return 0, 0, fmt.Errorf("%q: want RATE/BURST, a positive number of requests per second and a positive burst (e.g. 10000/5000)", v)
	}
	return rate, burst, nil
}
