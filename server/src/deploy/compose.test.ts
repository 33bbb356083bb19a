import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/*
 * The deployment files are read, never run: no Docker engine is needed. Checks the rules of the
 * seeds' deployment notes (explicit tags, only the proxy published, the database on an internal
 * network with a named volume, a non-root app) and, when docker-compose is installed, that
 * Compose itself accepts the file with .env.example. Under CI=true docker-compose must be there.
 */

const root = fileURLToPath(new URL('../../../', import.meta.url));
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  ports?: (string | { published?: string | number; host_ip?: string })[];
  networks?: string[] | Record<string, unknown>;
  volumes?: (string | { type?: string; source?: string })[];
  healthcheck?: { test?: string | string[]; disable?: boolean };
  depends_on?: string[] | Record<string, { condition?: string }>;
  profiles?: string[];
  environment?: Record<string, string> | string[];
  user?: string;
  privileged?: boolean;
}

interface ComposeFile {
  services: Record<string, Service>;
  networks?: Record<string, { internal?: boolean } | null>;
  volumes?: Record<string, unknown>;
}

const compose = parse(read('docker-compose.yml')) as ComposeFile;
const services = Object.entries(compose.services);
const PROXY = 'caddy';

const networksOf = (service: Service) =>
  Array.isArray(service.networks) ? service.networks : Object.keys(service.networks ?? {});

const environmentOf = (service: Service): Record<string, string> =>
  Array.isArray(service.environment)
    ? Object.fromEntries(service.environment.map((line) => [line.split('=')[0]!, line.slice(line.indexOf('=') + 1)]))
    : (service.environment ?? {});

/** `registry:5000/name:tag@sha256:...` → its tag (undefined when there is none). */
function imageTag(image: string): string | undefined {
  const withoutDigest = image.split('@')[0]!;
  const lastSegment = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1);
  return lastSegment.includes(':') ? lastSegment.slice(lastSegment.indexOf(':') + 1) : undefined;
}

/** A tag pinned to at least major.minor (`17.11-trixie`, `2.11.4-alpine`, `v1.31`), or a digest. */
function isPinned(image: string): boolean {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return true;
  const tag = imageTag(image);
  return tag !== undefined && tag !== 'latest' && /^v?\d+\.\d+/.test(tag);
}

describe('docker-compose.yml', () => {
  it('names an explicit image tag for every service, never latest', () => {
    for (const [name, service] of services) {
      expect(service.image, `${name} has no image`).toBeTypeOf('string');
      const tag = imageTag(service.image!);
      expect(tag, `${name}: ${service.image} has no tag`).toBeDefined();
      expect(tag, `${name}: ${service.image}`).not.toBe('latest');
      // Pulled images are pinned to a version; the app's own build is tagged locally.
      if (!service.build) expect(isPinned(service.image!), `${name}: ${service.image} is not pinned to major.minor`).toBe(true);
    }
  });

  it('publishes ports only on the proxy (dev-only tools: on 127.0.0.1 only)', () => {
    const proxyPorts = compose.services[PROXY]?.ports?.map(String) ?? [];
    expect(proxyPorts).toEqual(expect.arrayContaining(['80:80', '443:443']));
    for (const [name, service] of services) {
      if (name === PROXY || !service.ports) continue;
      expect(service.profiles, `${name} publishes ports outside a dev profile`).toEqual(['dev']);
      for (const port of service.ports) {
        const hostIp = typeof port === 'string' ? port.split(':')[0] : port.host_ip;
        expect(hostIp, `${name} publishes ${JSON.stringify(port)} beyond loopback`).toBe('127.0.0.1');
      }
    }
  });

  it('keeps the backend network internal', () => {
    expect(compose.networks?.backend?.internal).toBe(true);
  });

  it('runs PostgreSQL with a named volume and a healthcheck, on the internal network only', () => {
    const postgres = compose.services.postgres!;
    const named = (postgres.volumes ?? []).map((v) => (typeof v === 'string' ? v.split(':')[0]! : (v.source ?? '')));
    expect(named.some((source) => source in (compose.volumes ?? {}) && !source.includes('/'))).toBe(true);
    expect(JSON.stringify(postgres.healthcheck?.test)).toContain('pg_isready');
    expect(postgres.healthcheck?.disable).not.toBe(true);
    expect(networksOf(postgres)).toEqual(['backend']);
    expect(postgres.ports).toBeUndefined();
    expect(environmentOf(postgres).POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD(:\?[^}]*)?\}$/);
  });

  it('starts the app after PostgreSQL is healthy, behind the proxy, with a healthcheck', () => {
    const app = compose.services.app!;
    const dependsOn = app.depends_on as Record<string, { condition?: string }>;
    expect(dependsOn.postgres?.condition).toBe('service_healthy');
    expect(app.ports).toBeUndefined();
    expect(networksOf(app).sort()).toEqual(['backend', 'edge']);
    expect(networksOf(compose.services[PROXY]!)).toEqual(['edge']);
    expect(JSON.stringify(app.healthcheck?.test)).toMatch(/readyz|healthz/);
    const environment = environmentOf(app);
    expect(environment.TRUST_PROXY).toBe('true');
    expect(environment.DATABASE_URL).toMatch(/^postgres:\/\/[^@]+@postgres:5432\//);
    expect(environment.SITE_BASE_URL).toMatch(/^https:\/\//);
  });

  it('runs no privileged container', () => {
    for (const [name, service] of services) expect(service.privileged, name).not.toBe(true);
  });

  it('enables Mailpit only in the dev profile', () => {
    expect(compose.services.mailpit?.profiles).toEqual(['dev']);
    for (const [name, service] of services) {
      if (name !== 'mailpit') expect(service.profiles, `${name} must run in production`).toBeUndefined();
    }
  });
});

describe('Dockerfile', () => {
  const lines = read('Dockerfile')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const stages: { from: string; name?: string; lines: string[] }[] = [];
  for (const line of lines) {
    const from = /^FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) stages.push({ from: from[1]!, lines: [], ...(from[2] && { name: from[2] }) });
    else stages.at(-1)?.lines.push(line);
  }
  const final = stages.at(-1)!;

  it('is multi-stage, every base image pinned', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const stageNames = new Set(stages.map((stage) => stage.name?.toLowerCase()));
    for (const stage of stages) {
      if (stageNames.has(stage.from.toLowerCase())) continue;
      expect(stage.from, 'use a literal image, not an ARG').not.toContain('$');
      expect(imageTag(stage.from), stage.from).not.toBe('latest');
      expect(isPinned(stage.from), `${stage.from} is not pinned to major.minor`).toBe(true);
    }
  });

  it('runs the final stage as the non-root node user, with a healthcheck', () => {
    const users = final.lines.filter((line) => /^USER\s/i.test(line));
    expect(users.at(-1)).toMatch(/^USER\s+node$/i);
    expect(final.lines.some((line) => /^HEALTHCHECK\s+(?!NONE)/i.test(line))).toBe(true);
    expect(final.lines.some((line) => /^EXPOSE\s+8080$/i.test(line))).toBe(true);
    const cmd = final.lines.find((line) => /^CMD\s/i.test(line))!;
    // The compiled server, as `npm start` runs it (scripts/build-server.ts), built in an earlier stage.
    expect(JSON.parse(cmd.replace(/^CMD\s+/i, ''))).toEqual(['node', '--enable-source-maps', '--liftoff-only', 'dist/server/main.js']);
    expect(final.lines).toContain('COPY --from=build /app/dist/server ./dist/server');
    const env = final.lines.filter((line) => /^ENV\s/i.test(line)).join(' ');
    expect(env).toMatch(/APP_ENV=production/);
    expect(env).toMatch(/NODE_ENV=production/);
  });
});

describe('.env.example', () => {
  const entries = read('.env.example')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const);
  const values = Object.fromEntries(entries);

  it('holds placeholder secrets only', () => {
    for (const [key, value] of entries) {
      expect(value, `${key} is empty: comment it out instead`).not.toBe('');
      if (/PASSWORD|SECRET|TOKEN|KEY/i.test(key)) expect(value, key).toBe('change-me');
      // Nothing that looks like a generated secret.
      expect(value, key).not.toMatch(/[A-Za-z0-9+/_-]{24,}/);
    }
    const smtp = new URL(values.SMTP_URL!);
    expect(smtp.username).toBe('change-me');
    expect(smtp.password).toBe('change-me');
    expect(values.SITE_DOMAIN).toMatch(/\.example\.(org|com)$/);
  });

  it('sets every variable the compose file interpolates', () => {
    const required = [...read('docker-compose.yml').matchAll(/\$\{([A-Z0-9_]+):\?/g)].map((match) => match[1]!);
    expect(required.length).toBeGreaterThan(0);
    for (const name of new Set(required)) expect(Object.keys(values), name).toContain(name);
  });
});

/** `docker-compose` (Debian's package) or the `docker compose` plugin, when either is installed. */
function composeCommand(): string[] | undefined {
  if (spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0) return ['docker-compose'];
  if (spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0) return ['docker', 'compose'];
  return undefined;
}

/**
 * A tool these checks need: under CI=true it must be installed (`.ci/run` installs it); on a
 * developer's machine without it the check says so loudly and passes, rather than vanishing.
 */
function requireTool(found: boolean, name: string): boolean {
  if (!found) {
    expect(process.env.CI, `${name} is not installed: CI must apt-get install -y ${name}`).not.toBe('true');
    console.warn(`*** ${name} not installed: its check did not run ***`);
  }
  return found;
}

describe('docker-compose config', () => {
  it('accepts docker-compose.yml with .env.example, with and without the dev profile', () => {
    const command = composeCommand();
    if (!requireTool(command !== undefined, 'docker-compose')) return;
    const [file, ...prefix] = command!;
    for (const profile of [[], ['--profile', 'dev']]) {
      const result = spawnSync(
        file!,
        [...prefix, '-f', 'docker-compose.yml', '--env-file', '.env.example', ...profile, 'config', '-q'],
        // A clean checkout has no .env: the app's env_file points at the example for this check.
        { cwd: root, encoding: 'utf8', env: { ...process.env, AZIONELAB_ENV_FILE: '.env.example' } },
      );
      expect(result.status, result.stderr || result.stdout).toBe(0);
    }
  });

  it('accepts the Caddyfile', () => {
    const caddy = spawnSync('caddy', ['version'], { stdio: 'ignore' }).status === 0;
    if (!requireTool(caddy, 'caddy')) return;
    const result = spawnSync('caddy', ['adapt', '--config', 'Caddyfile'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, SITE_DOMAIN: 'tickets.example.org' },
    });
    expect(result.status, result.stderr).toBe(0);
  });
});
