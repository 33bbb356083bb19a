import { describe, expect, it } from 'vitest';
import { benchmarksDoc, sectionsOf } from './bench-doc.js';

const previousDoc = `# Benchmarks

Old introduction.

## Machine

- CPU: an old one

## Door scanning

<!-- hand-written -->
How to run it alone.
<!-- /hand-written -->

| old | numbers |

<!-- hand-written -->
Reading the table: the old reading.
<!-- /hand-written -->

## Printed tickets

Written by hand, no benchmark measures it.

## Latency chart

![Latency percentiles](benchmarks-latency.svg)
`;

describe('the benchmarks doc', () => {
  it('replaces measured sections, keeps their hand-written blocks in place, and keeps unmeasured sections', () => {
    const doc = benchmarksDoc({
      machine: '- CPU: this one',
      measured: [
        { title: 'Public reads', body: '| new | reads |' },
        { title: 'Door scanning', body: '| new | numbers |' },
      ],
      previousDoc,
      chartFile: 'benchmarks-latency.svg',
    });
    const sections = sectionsOf(doc);
    expect(sections.map((s) => s.title)).toEqual(['Machine', 'Public reads', 'Door scanning', 'Printed tickets', 'Latency chart']);
    expect(sections[0]!.body).toBe('- CPU: this one');
    const door = sections[2]!.body;
    expect(door).not.toContain('old | numbers');
    expect(door.indexOf('How to run it alone.')).toBeLessThan(door.indexOf('| new | numbers |'));
    expect(door.indexOf('| new | numbers |')).toBeLessThan(door.indexOf('Reading the table'));
    expect(sections[3]!.body).toBe('Written by hand, no benchmark measures it.');
    expect(doc.match(/## Latency chart/g)).toHaveLength(1);
  });

  it('keeps a section whose benchmark did not run, and writes no chart section without a chart', () => {
    const doc = benchmarksDoc({ machine: '- CPU: this one', measured: [], previousDoc, chartFile: null });
    expect(sectionsOf(doc).map((s) => s.title)).toEqual(['Machine', 'Door scanning', 'Printed tickets']);
    expect(doc).toContain('| old | numbers |');
  });
});
