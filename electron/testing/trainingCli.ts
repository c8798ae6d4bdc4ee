/**
 * The built `dianjin` CLI with the native trainer, for the SFT and GRPO CLI tests: a data folder of its own, a
 * synchronous runner, and a run killed as soon as it prints a given step (to test pause-by-crash and resume).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { repoRoot, tempDir } from './fixtures';

export const trainerPath = path.join(repoRoot, 'build', 'trainer', 'bin', process.platform === 'win32' ? 'dianjin-trainer.exe' : 'dianjin-trainer');
const bin = path.join(repoRoot, 'bin', 'dianjin.js');

/** The last line of stdout, which `--json` makes one JSON object. */
export const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!);

export function trainingCli(prefix: string) {
  const home = tempDir(prefix);
  const env = { ...process.env, DIANJIN_HOME: home.dir, NO_COLOR: '1', DIANJIN_TRAINER: trainerPath };
  return {
    home,
    built: existsSync(trainerPath),
    /** Runs the CLI to its end. */
    dianjin(args: string[], timeout = 300_000, extraEnv: Record<string, string> = {}) {
      const result = spawnSync(process.execPath, [bin, ...args], { env: { ...env, ...extraEnv }, encoding: 'utf8', timeout });
      return { code: result.status, stdout: result.stdout, stderr: result.stderr };
    },
    /** Starts a training command, kills it (SIGKILL) once it prints `step N/`, and resolves with its job id. */
    killAtStep(args: string[], step: number): Promise<string> {
      const child = spawn(process.execPath, [bin, ...args], { env });
      const lines = readline.createInterface({ input: child.stderr });
      return new Promise<string>((resolve, reject) => {
        let id = '';
        lines.on('line', (line) => {
          id ||= /^Job ([0-9a-f-]{36})/.exec(line)?.[1] ?? '';
          if (new RegExp(`^step ${step}/`).test(line)) {
            child.kill('SIGKILL');
            resolve(id);
          }
        });
        child.on('exit', () => reject(new Error(`the CLI exited before step ${step}`)));
      });
    },
  };
}
