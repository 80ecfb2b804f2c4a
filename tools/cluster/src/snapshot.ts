import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './services';

/**
 * Extracts a commit (`git archive <ref>`, default HEAD) into `dir` and links the working tree's node_modules into it:
 * a checkout of exactly what is committed, for runs that must not pick up files being edited.
 * Returns `dir`.
 */
export function snapshotHead(dir: string, ref = 'HEAD'): string {
  if (existsSync(join(dir, 'package.json'))) return dir;
  mkdirSync(dir, { recursive: true });
  const archive = execFileSync('git', ['archive', '--format=tar', ref], { cwd: ROOT, maxBuffer: 1024 * 1024 * 1024 });
  execFileSync('tar', ['-x', '-C', dir], { input: archive });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}
