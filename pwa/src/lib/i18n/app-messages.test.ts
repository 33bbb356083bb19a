import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { messages as adminMessages } from '../../admin/messages';
import { messages as doorMessages } from '../../door/messages';
import { messages as publicMessages } from '../../public/messages';
import { en } from './dictionaries/en';
import { it as italian } from './dictionaries/it';

/*
 * Each app registers only some dictionary areas (to keep the public bundle small). The type
 * system knows every key exists somewhere; this test makes sure each key an app's code names is
 * in the areas that app registers, or the page would show the raw key.
 */

const src = fileURLToPath(new URL('../../', import.meta.url));
const allKeys = Object.keys(en);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return name === 'test' || name === 'dictionaries' ? [] : sourceFiles(file);
    return /\.(ts|svelte)$/.test(name) && !/\.test\.ts$/.test(name) ? [file] : [];
  });
}

/** Keys named whole in string literals, and prefixes of keys built from a template (`admin.x.${y}`). */
function keysUsed(files: string[]): { keys: Set<string>; prefixes: Set<string> } {
  const keys = new Set<string>();
  const prefixes = new Set<string>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/['"]([a-z_]+(?:\.[a-z0-9_]+)+)['"]/g)) {
      if (allKeys.includes(match[1]!)) keys.add(match[1]!);
    }
    for (const match of text.matchAll(/`([a-z_]+(?:\.[a-z0-9_]+)*\.)\$\{/g)) {
      if (allKeys.some((key) => key.startsWith(match[1]!))) prefixes.add(match[1]!);
    }
  }
  return { keys, prefixes };
}

const apps = {
  public: { dirs: ['public', 'lib'], messages: publicMessages },
  admin: { dirs: ['admin', 'lib'], messages: adminMessages },
  door: { dirs: ['door', 'lib'], messages: doorMessages },
};

describe('dictionary areas of each app', () => {
  for (const [name, app] of Object.entries(apps)) {
    it(`${name}: every key its code names is registered, in both languages`, () => {
      const files = app.dirs.flatMap((dir) => sourceFiles(path.join(src, dir)));
      const { keys, prefixes } = keysUsed(files);
      const { en: english, it: italian } = app.messages();
      expect(keys.size).toBeGreaterThan(20);
      const missing = [...keys].filter((key) => !(key in english) || !(key in italian));
      expect(missing, `${name} uses keys it does not register`).toEqual([]);
      const orphanPrefixes = [...prefixes].filter((prefix) => !Object.keys(english).some((key) => key.startsWith(prefix)));
      expect(orphanPrefixes, `${name} builds keys from areas it does not register`).toEqual([]);
    });
  }

  it('the Italian dictionary has exactly the English keys, no more', () => {
    // The type only asks for every English key; a key left over in Italian after a rename is seen here.
    expect(Object.keys(italian).sort()).toEqual([...allKeys].sort());
  });

  it('keeps the admin and door words out of the public site', () => {
    const registered = Object.keys(publicMessages().en);
    expect(registered.some((key) => key.startsWith('admin.') || key.startsWith('door.'))).toBe(false);
  });
});
