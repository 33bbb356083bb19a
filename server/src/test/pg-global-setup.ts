import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { databaseUrl, startPgCluster, type PgCluster } from '../../../scripts/pg-cluster.js';
import { openDatabase } from '../db/client.js';
import { runMigrations } from '../db/migrate.js';

export const TEMPLATE_DB = 'azl_template';

// One per project that uses this setup (`postgres`, `reliability`), when one run has both.
const clusters: PgCluster[] = [];

/**
 * Starts one throwaway PostgreSQL for the `postgres` test project and migrates a template
 * database; each test file then gets its own copy (CREATE DATABASE … TEMPLATE), so files can
 * run in parallel without seeing each other's rows.
 */
export async function setup(project: TestProject) {
  const cluster = await startPgCluster();
  clusters.push(cluster);
  const admin = postgres(cluster.url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${TEMPLATE_DB}`);
  await admin.end();
  const database = await openDatabase({ databaseUrl: databaseUrl(cluster.url, TEMPLATE_DB) });
  await runMigrations(database);
  await database.close();
  project.provide('pgClusterUrl', cluster.url);
}

export function teardown() {
  for (const cluster of clusters.splice(0)) cluster.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgClusterUrl: string;
  }
}
