import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

/**
 * `npm audit --omit=dev --audit-level=high` for CI, telling three outcomes apart:
 *
 * - the report has high or critical vulnerabilities in production dependencies: fail;
 * - the report is clean (at most moderate findings, listed): pass;
 * - the registry refused or could not answer the audit request (the npm mirror on our build
 *   machines answers `405 Method Not Allowed` to the bulk advisory endpoint): say so loudly and
 *   pass, because there is no finding to act on, only no data. See docs/security.md.
 *
 * Anything else (output that is not an npm audit answer) fails: it could hide findings.
 */

export type AuditVerdict =
  | { kind: 'findings'; exitCode: 1; message: string }
  | { kind: 'clean'; exitCode: 0; message: string }
  | { kind: 'unavailable'; exitCode: 0; message: string }
  | { kind: 'unreadable'; exitCode: 1; message: string };

interface AuditReport {
  vulnerabilities?: Record<string, { severity?: string }>;
  metadata?: { vulnerabilities?: Record<string, number> };
  error?: { code?: string; summary?: string; detail?: string };
  message?: string;
  statusCode?: number;
}

const BLOCKING = ['high', 'critical'];

export function judgeAudit(stdout: string): AuditVerdict {
  let report: AuditReport;
  try {
    report = JSON.parse(stdout) as AuditReport;
  } catch {
    return { kind: 'unreadable', exitCode: 1, message: `npm audit printed something that is not JSON:\n${stdout.slice(0, 2000)}` };
  }
  const counts = report.metadata?.vulnerabilities;
  if (counts) {
    const blocking = Object.entries(report.vulnerabilities ?? {})
      .filter(([, v]) => BLOCKING.includes(v.severity ?? ''))
      .map(([name, v]) => `${name} (${v.severity})`);
    const summary = Object.entries(counts)
      .filter(([severity]) => severity !== 'total')
      .map(([severity, n]) => `${severity} ${n}`)
      .join(', ');
    const blockingCount = (counts.high ?? 0) + (counts.critical ?? 0);
    if (blockingCount > 0) {
      return { kind: 'findings', exitCode: 1, message: `npm audit: ${blockingCount} high or critical vulnerabilities in production dependencies (${summary}):\n  ${blocking.join('\n  ')}` };
    }
    return { kind: 'clean', exitCode: 0, message: `npm audit: no high or critical vulnerability in production dependencies (${summary}).` };
  }
  if (report.error || report.statusCode) {
    const why = [report.statusCode && `HTTP ${report.statusCode}`, report.error?.code, report.message ?? report.error?.summary].filter(Boolean).join(', ');
    return {
      kind: 'unavailable',
      exitCode: 0,
      message:
        `*** npm audit could not get an answer from the registry (${why}). ***\n` +
        '*** No vulnerability data was checked: this is NOT a clean audit. Run `npm audit --omit=dev` ***\n' +
        '*** against a registry that serves the audit endpoint (see docs/security.md). ***',
    };
  }
  return { kind: 'unreadable', exitCode: 1, message: `npm audit answered JSON without a report or an error:\n${stdout.slice(0, 2000)}` };
}

function main(): void {
  const run = spawnSync('npm', ['audit', '--omit=dev', '--audit-level=high', '--json'], { encoding: 'utf8' });
  if (run.error) {
    process.stderr.write(`npm audit could not start: ${run.error.message}\n`);
    process.exit(1);
  }
  const verdict = judgeAudit(run.stdout);
  (verdict.exitCode === 0 ? process.stdout : process.stderr).write(`${verdict.message}\n`);
  process.exit(verdict.exitCode);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
