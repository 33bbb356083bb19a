import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { databaseUrl, startPgCluster, type PgCluster } from '../../../scripts/pg-cluster.js';
import { openDatabase } from '../db/client.js';
import { runMigrations } from '../db/migrate.js';

export const TEMPLATE_DB = 'azl_template';

// One per project that uses this setup (`postgres`, `reliability`), when one run has both.
const clusters: PgCluster[] = [];

/** Creates the migrated template database that every test database is copied from. */
export async function createTemplateDatabase(clusterUrl: string): Promise<void> {
  const admin = postgres(clusterUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${TEMPLATE_DB}`);
  await admin.end();
  const database = await openDatabase({ databaseUrl: databaseUrl(clusterUrl, TEMPLATE_DB) });
  await runMigrations(database);
  await database.close();
}

/** A new, migrated database (a copy of the template, which is much faster than migrating): its URL. */
export async function databaseFromTemplate(clusterUrl: string, prefix: string): Promise<string> {
  const name = `${prefix}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = postgres(clusterUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name} template ${TEMPLATE_DB}`);
  } finally {
    await admin.end();
  }
  return databaseUrl(clusterUrl, name);
}

/**
 * Starts one throwaway PostgreSQL for the `postgres` test project and migrates a template
 * database; each test file then gets its own copy (CREATE DATABASE … TEMPLATE), so files can
 * run in parallel without seeing each other's rows.
 */
export async function setup(project: TestProject) {
  const cluster = await startPgCluster();
  clusters.push(cluster);
  await createTemplateDatabase(cluster.url);
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
