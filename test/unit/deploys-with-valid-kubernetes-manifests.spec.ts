import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { CONFIG_VARIABLES, loadConfig } from '../../src/config/config.js';

const DIRECTORY = new URL('../../deploy/kubernetes/', import.meta.url).pathname;

/** Each kind the manifests may hold, with its model from the Kubernetes OpenAPI schemas. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
};

/**
 * Variables the manifests may set besides the gateway's own (CONFIG_VARIABLES): Node's, and
 * OpenTelemetry's standard `OTEL_*`, read by the tracing SDK (docs/operations.md, "Tracing").
 */
const NODE_AND_SDK_VARIABLES = new Set(['NODE_ENV', 'NODE_OPTIONS']);

interface Manifest {
  file: string;
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  [field: string]: unknown;
}

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}
interface Container {
  name: string;
  env?: EnvVar[];
  envFrom?: Array<{ configMapRef?: { name: string } }>;
  ports?: Array<{ name: string; containerPort: number }>;
  livenessProbe?: { httpGet?: { path: string; port: string } };
  readinessProbe?: { httpGet?: { path: string; port: string } };
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
  securityContext?: Record<string, unknown>;
}
interface PodSpec {
  terminationGracePeriodSeconds?: number;
  securityContext?: Record<string, unknown>;
  containers: Container[];
}

const kustomization = parseAllDocuments(
  readFileSync(join(DIRECTORY, 'kustomization.yaml'), 'utf8'),
)[0]?.toJS() as {
  resources: string[];
};
const manifests: Manifest[] = kustomization.resources.flatMap((file) =>
  parseAllDocuments(readFileSync(join(DIRECTORY, file), 'utf8')).map(
    (document) => ({ file, ...(document.toJS() as object) }) as Manifest,
  ),
);
const one = <T>(kind: string) => manifests.find((manifest) => manifest.kind === kind) as unknown as T;
const deployment = one<{ spec: { replicas: number; template: { spec: PodSpec } } }>('Deployment');
const pod = deployment.spec.template.spec;
const configMap = one<{ metadata: { name: string }; data: Record<string, string> }>('ConfigMap');

/** Every variable a container gets: `env` and the ConfigMaps of `envFrom`. */
function variablesOf(container: Container): Record<string, string | undefined> {
  const fromConfigMaps = (container.envFrom ?? []).flatMap(({ configMapRef }) => {
    const source = manifests.find(
      (manifest) => manifest.kind === 'ConfigMap' && manifest.metadata.name === configMapRef?.name,
    );
    if (!source) throw new Error(`${container.name}: no ConfigMap ${configMapRef?.name}`);
    return Object.entries((source as unknown as { data: Record<string, string> }).data);
  });
  return Object.fromEntries([
    ...fromConfigMaps,
    ...(container.env ?? []).map((variable) => [variable.name, variable.value]),
  ]);
}

describe('deploy/kubernetes', () => {
  it('lists every manifest of the folder in kustomization.yaml', () => {
    const files = readdirSync(DIRECTORY).filter(
      (file) => file.endsWith('.yaml') && file !== 'kustomization.yaml',
    );
    expect([...kustomization.resources].sort()).toEqual(files.sort());
  });

  it.each(manifests.map((manifest) => [`${manifest.file}: ${manifest.kind}`, manifest] as const))(
    'validates %s against the Kubernetes schemas',
    (_name, { file: _file, ...manifest }) => {
      const Model = MODELS[`${manifest.apiVersion}/${manifest.kind}`];
      expect(Model, `${manifest.apiVersion} ${manifest.kind} has no schema here`).toBeDefined();
      expect(() => new Model!(manifest as never).validate()).not.toThrow();
    },
  );

  it('sets only variables the gateway, Node or the tracing SDK read', () => {
    const known = new Set([...Object.keys(CONFIG_VARIABLES), ...NODE_AND_SDK_VARIABLES]);
    const unknown = pod.containers
      .flatMap((container) => Object.keys(variablesOf(container)))
      .filter((name) => !known.has(name) && !name.startsWith('OTEL_'));
    expect(unknown).toEqual([]);
  });

  it('takes the secrets from a Secret, and a configuration the gateway accepts in production', () => {
    const gateway = pod.containers[0]!;
    const secrets = Object.fromEntries(
      (gateway.env ?? [])
        .filter((variable) => variable.valueFrom?.secretKeyRef)
        .map((variable) => [variable.name, variable.valueFrom?.secretKeyRef?.key]),
    );
    expect(secrets).toEqual({ AZURE_CLIENT_SECRET: 'AZURE_CLIENT_SECRET', DATABASE_URL: 'DATABASE_URL' });
    expect(manifests.some((manifest) => manifest.kind === 'Secret')).toBe(false);
    const config = loadConfig({
      NODE_ENV: 'production',
      ...configMap.data,
      AZURE_CLIENT_SECRET: 'from the Secret',
      DATABASE_URL: 'postgres://from-the-secret/gateway',
    });
    expect(config.port).toBe(gateway.ports?.find((port) => port.name === 'http')?.containerPort);
    expect(config.metricsListener?.port).toBe(
      gateway.ports?.find((port) => port.name === 'metrics')?.containerPort,
    );
  });

  it('probes /health for liveness and /readiness for readiness, on the public port', () => {
    const gateway = pod.containers[0]!;
    expect(gateway.livenessProbe?.httpGet).toEqual({ path: '/health', port: 'http' });
    expect(gateway.readinessProbe?.httpGet).toEqual({ path: '/readiness', port: 'http' });
    expect(deployment.spec.replicas).toBe(2);
  });

  it('gives the drain its whole time: preStop pause + SHUTDOWN_GRACE_MS + 2 s within the termination grace', () => {
    const gateway = pod.containers[0]!;
    const [command, seconds] = gateway.lifecycle?.preStop?.exec?.command ?? [];
    expect(command).toBe('sleep');
    const shutdownGraceMs = loadConfig({
      NODE_ENV: 'production',
      ...configMap.data,
      AZURE_CLIENT_SECRET: 'x',
      DATABASE_URL: 'postgres://x/gateway',
    }).http.shutdownGraceMs;
    expect((pod.terminationGracePeriodSeconds ?? 30) * 1000).toBeGreaterThan(
      Number(seconds) * 1000 + shutdownGraceMs + 2_000,
    );
  });

  it('runs unprivileged on a read-only root filesystem', () => {
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    for (const container of pod.containers) {
      expect(container.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'] },
      });
    }
  });
});
