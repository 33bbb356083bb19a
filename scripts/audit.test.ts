import { describe, expect, it } from 'vitest';
import { judgeAudit } from './audit.js';

/** The answers `npm audit --json` gives, as npm 11 prints them. */

const report = (counts: Record<string, number>, vulnerabilities: Record<string, { severity: string }> = {}) =>
  JSON.stringify({
    auditReportVersion: 2,
    vulnerabilities,
    metadata: { vulnerabilities: { info: 0, low: 0, moderate: 0, high: 0, critical: 0, total: 0, ...counts }, dependencies: { prod: 120 } },
  });

describe('judgeAudit', () => {
  it('fails on high or critical findings and names the packages', () => {
    const verdict = judgeAudit(report({ high: 1, critical: 1, total: 2 }, { 'bad-lib': { severity: 'high' }, 'worse-lib': { severity: 'critical' } }));
    expect(verdict.kind).toBe('findings');
    expect(verdict.exitCode).toBe(1);
    expect(verdict.message).toContain('bad-lib (high)');
    expect(verdict.message).toContain('worse-lib (critical)');
  });

  it('passes a clean report, and one with only low or moderate findings', () => {
    expect(judgeAudit(report({})).kind).toBe('clean');
    const moderate = judgeAudit(report({ low: 2, moderate: 1, total: 3 }, { 'meh-lib': { severity: 'moderate' } }));
    expect(moderate).toMatchObject({ kind: 'clean', exitCode: 0 });
    expect(moderate.message).toContain('moderate 1');
  });

  it('says loudly, without failing, when the registry refuses the audit endpoint (our mirror: 405)', () => {
    const refused = JSON.stringify({
      message: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk',
      method: 'POST',
      statusCode: 405,
      body: '',
      error: { summary: '', detail: '' },
    });
    const verdict = judgeAudit(refused);
    expect(verdict).toMatchObject({ kind: 'unavailable', exitCode: 0 });
    expect(verdict.message).toContain('HTTP 405');
    expect(verdict.message).toContain('NOT a clean audit');
  });

  it('treats an unreachable registry as no data, not as a pass or a finding', () => {
    const offline = JSON.stringify({ error: { code: 'ENOTFOUND', summary: 'request to https://registry.npmjs.org failed', detail: '' } });
    expect(judgeAudit(offline)).toMatchObject({ kind: 'unavailable', exitCode: 0 });
  });

  it('fails on output it cannot read, which could hide findings', () => {
    expect(judgeAudit('npm ERR! something odd')).toMatchObject({ kind: 'unreadable', exitCode: 1 });
    expect(judgeAudit('{"auditReportVersion":2}')).toMatchObject({ kind: 'unreadable', exitCode: 1 });
  });
});
