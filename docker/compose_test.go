// Package docker holds no Go code: its test checks the Compose file, the Dockerfile and the
// build context without a Docker engine.
package docker

import (
	"fmt"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"b24pay/app"
)

// required are the variables a deployment cannot start without; Compose must refuse to start
// while one of them is empty.
var required = []string{"POSTGRES_PASSWORD", "B24PAY_SECRET_KEY", "B24PAY_PUBLIC_URL",
	"B24PAY_B24_PORTAL_URL", "B24PAY_B24_CLIENT_ID", "B24PAY_B24_CLIENT_SECRET"}

// filled is docker/.env after a reader followed the README: every required value set.
var filled = map[string]string{
	"POSTGRES_PASSWORD": "p@ss#1/ab+c=", "B24PAY_SECRET_KEY": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
	"B24PAY_PUBLIC_URL": "https://pay.example.ru", "B24PAY_B24_PORTAL_URL": "https://example.bitrix24.ru",
	"B24PAY_B24_CLIENT_ID": "local.6745", "B24PAY_B24_CLIENT_SECRET": "client-secret",
}

const dataDir = "/var/lib/b24pay"

type service struct {
	Image       string            `yaml:"image"`
	User        string            `yaml:"user"`
	Profiles    []string          `yaml:"profiles"`
	EnvFile     string            `yaml:"env_file"`
	Environment map[string]string `yaml:"environment"`
	Volumes     []string          `yaml:"volumes"`
	Healthcheck struct {
		Test []string `yaml:"test"`
	} `yaml:"healthcheck"`
	DependsOn map[string]struct {
		Condition string `yaml:"condition"`
	} `yaml:"depends_on"`
}

type composeFile struct {
	Services map[string]service `yaml:"services"`
	Volumes  map[string]any     `yaml:"volumes"`
}

func readCompose(t *testing.T) composeFile {
	t.Helper()
	raw, err := os.ReadFile("compose.yaml")
	require.NoError(t, err)
	var c composeFile
	require.NoError(t, yaml.Unmarshal(raw, &c))
	return c
}

// appServices are the services running the b24pay image.
func appServices(c composeFile) []string {
	var names []string
	for name, s := range c.Services {
		if s.Image == "b24pay:local" {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

func readEnvFile(t *testing.T, path string) map[string]string {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	env := map[string]string{}
	for _, line := range strings.Split(string(raw), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			env[k] = v
		}
	}
	return env
}

var reference = regexp.MustCompile(`\$\{([A-Z0-9_]+)(?:(:?[-?])([^}]*))?\}`)

// interpolate resolves ${VAR}, ${VAR:-default} and ${VAR:?message} as Compose does.
func interpolate(s string, env map[string]string) (string, error) {
	var failed error
	out := reference.ReplaceAllStringFunc(s, func(m string) string {
		p := reference.FindStringSubmatch(m)
		v, set := env[p[1]]
		switch {
		case p[2] == ":?" && v == "", p[2] == "?" && !set:
			failed = fmt.Errorf("required variable %s is missing a value: %s", p[1], p[3])
		case p[2] == ":-" && v == "":
			return p[3]
		}
		return v
	})
	return out, failed
}

func TestComposeEveryServiceHasAHealthCheckAndDeclaredVolumes(t *testing.T) {
	c := readCompose(t)
	require.Contains(t, c.Services, "postgres")
	for name, s := range c.Services {
		require.NotEmpty(t, s.Healthcheck.Test, "%s has a health check", name)
		for _, v := range s.Volumes {
			src, _, _ := strings.Cut(v, ":")
			if !strings.HasPrefix(src, ".") {
				require.Contains(t, c.Volumes, src, "%s: volume %s is declared", name, src)
			}
		}
		for dep, d := range s.DependsOn {
			require.Equal(t, "service_healthy", d.Condition, "%s waits for %s to be healthy", name, dep)
		}
	}
	require.Contains(t, c.Services["postgres"].Volumes, "pgdata:/var/lib/postgresql/data")
}

func TestComposeAppRunsAs65532WithItsDataDirOnAVolume(t *testing.T) {
	c := readCompose(t)
	apps := appServices(c)
	require.Equal(t, []string{"app", "app2"}, apps)
	for _, name := range apps {
		s := c.Services[name]
		require.Equal(t, "65532:65532", s.User, name)
		require.Equal(t, dataDir, s.Environment["B24PAY_DATA_DIR"], name)
		require.Contains(t, s.Volumes, "appdata:"+dataDir, name)
		require.Equal(t, []string{"CMD", "/usr/local/bin/b24pay", "healthcheck"}, s.Healthcheck.Test, name)
		require.Equal(t, ".env", s.EnvFile, name)
	}
	require.Equal(t, []string{"ha"}, c.Services["app2"].Profiles, "the second replica is opt-in")
	require.Equal(t, []string{"ha"}, c.Services["proxy"].Profiles)
}

// TestComposeRefusesToStartWithoutRequiredVariables interpolates the app's environment with
// docker/env.example as shipped: every required variable must stop Compose with its message.
func TestComposeRefusesToStartWithoutRequiredVariables(t *testing.T) {
	c := readCompose(t)
	example := readEnvFile(t, "env.example")
	for _, name := range required {
		v, listed := example[name]
		require.True(t, listed, "env.example lists %s", name)
		require.Empty(t, v, "env.example leaves %s for the reader to fill in", name)
	}
	env := c.Services["app"].Environment
	for _, name := range required {
		refs := []string{}
		for _, value := range env {
			if m := reference.FindStringSubmatch(value); m != nil && m[1] == name {
				refs = append(refs, value)
			}
		}
		require.Len(t, refs, 1, "the app's environment refers to %s once", name)
		m := reference.FindStringSubmatch(refs[0])
		require.Equal(t, ":?", m[2], "%s is required: ${%s:?message}", name, name)
		require.Contains(t, m[3], "docker/.env", "the message says where to set %s", name)
		_, err := interpolate(refs[0], example)
		require.ErrorContains(t, err, name)
	}
}

// TestComposeEnvironmentStartsTheService resolves the app's environment the way Compose would,
// from env.example with the README's required values filled in, and loads the service's config
// from it: PostgreSQL through the libpq parts (a password with @ # / + =), Bitrix24 on.
func TestComposeEnvironmentStartsTheService(t *testing.T) {
	c := readCompose(t)
	dotenv := readEnvFile(t, "env.example")
	maps.Copy(dotenv, filled)
	raw, err := os.ReadFile("compose.yaml")
	require.NoError(t, err)
	for _, m := range reference.FindAllStringSubmatch(string(raw), -1) {
		require.Contains(t, dotenv, m[1], "env.example lists %s, which compose.yaml uses", m[1])
	}
	for _, name := range appServices(c) {
		env := maps.Clone(dotenv)    // env_file: .env, then environment on top
		env["B24PAY_ADDR"] = ":8080" // the image's ENV
		for k, v := range c.Services[name].Environment {
			env[k], err = interpolate(v, dotenv)
			require.NoError(t, err)
		}
		cfg, err := app.LoadConfig(func(k string) string { return env[k] })
		require.NoError(t, err, name)
		require.True(t, cfg.UsesPostgres(), name)
		require.Contains(t, cfg.DatabaseURL, "@postgres:5432/b24pay", name)
		require.True(t, cfg.B24.Enabled(), name)
		require.Equal(t, dataDir, cfg.DataDir)
	}
}

func TestDockerfileGivesTheDataDirTo65532(t *testing.T) {
	raw, err := os.ReadFile("Dockerfile")
	require.NoError(t, err)
	df := string(raw)
	require.Contains(t, df, "RUN mkdir -p /out/data")
	require.Contains(t, df, "COPY --from=build --chown=65532:65532 /out/data "+dataDir)
	require.Contains(t, df, "B24PAY_DATA_DIR="+dataDir)
	require.Regexp(t, `(?m)^USER 65532:65532$`, df)
	require.Regexp(t, `(?m)^FROM gcr.io/distroless/static`, df)
}

func TestDockerignoreKeepsSecretsAndDatabasesOut(t *testing.T) {
	raw, err := os.ReadFile("../.dockerignore")
	require.NoError(t, err)
	lines := strings.Split(string(raw), "\n")
	for _, p := range []string{".git", "var/", "**/*.db", "**/secret.key", "artifacts/", "docker/.env"} {
		require.Contains(t, lines, p)
	}
}

func TestCaddyBalancesOverBothReplicas(t *testing.T) {
	raw, err := os.ReadFile("Caddyfile")
	require.NoError(t, err)
	require.Contains(t, string(raw), "{$B24PAY_PUBLIC_URL} {")
	require.Contains(t, string(raw), "reverse_proxy app:8080 app2:8080")
	require.Contains(t, string(raw), "health_uri /readyz")
}
